using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Containers.Cgroups;
using Containers.Errors;
using Containers.Images.Testing;
using Containers.Images.Tests.Engine;
using Containers.Linux;
using Containers.Mounts;
using Containers.Processes;

namespace Containers.Images.Tests.Testing;

/// <summary>
/// Containers without an engine of their own run on this process's shared engine and leave
/// nothing there once disposed; a process killed with its containers running leaves nothing the
/// next process's sweep does not remove.
/// </summary>
public sealed class SharedEngineTests : EngineTest
{
    [Test]
    public async Task AContainerWithoutAnEngine_RunsOnTheProcesssOwnRootAndDisposeLeavesNothingThere()
    {
        var container = new ContainerBuilder()
            .WithImage(Image)
            .WithCommand("sh", "-c", "echo up; exec sleep 60")
            .WithWaitStrategy(Wait.ForLogMessage("up"))
            .Build();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            await container.StartAsync(timeout.Token);
        }

        var id = container.Id;
        var engine = await SharedEngine.GetAsync(CancellationToken.None);
        var pid = (await engine.InspectAsync(id)).Pid;
        var containerDir = Path.Combine(SharedEngine.Root, "containers", id);
        var existedWhileRunning = Directory.Exists(containerDir);

        await container.DisposeAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(Path.GetFileName(SharedEngine.Root), Does.StartWith($"{Environment.ProcessId}-"));
            Assert.That(existedWhileRunning, Is.True, "the container did not run on the shared root");
            Assert.That(Directory.Exists(containerDir), Is.False, "state directory");
            Assert.That(Directory.Exists(Path.Combine(SharedEngine.Root, "run", id)), Is.False, "runtime state");
            Assert.That(MountInfo.ReadSelf().Where(m => m.MountPoint.StartsWith(containerDir, StringComparison.Ordinal)).Select(m => m.MountPoint), Is.Empty, "mounts");
            Assert.That(Directory.Exists($"/proc/{pid}"), Is.False, "the container's process");
            Assert.That((await engine.ListAsync()).Select(c => c.Id), Does.Not.Contain(id));
        });
    }

    [Test]
    public async Task AContainerWithPublishedPorts_OnTheSharedEngine_JoinsItsOwnBridgeAndIsReachedOverLoopback()
    {
        await using var web = new ContainerBuilder()
            .WithImage(Image)
            .WithCommand("sh", "-c", "mkdir -p /www; echo shared > /www/index.html; exec httpd -f -p 8080 -h /www")
            .WithPortBinding(8080)
            .WithWaitStrategy(Wait.ForHttp("/", 8080))
            .Build();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            await web.StartAsync(timeout.Token);
        }

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var body = await http.GetStringAsync(new Uri($"http://127.0.0.1:{web.GetMappedPort(8080)}/"));
        var engine = await SharedEngine.GetAsync(CancellationToken.None);
        var network = await engine.InspectNetworkAsync(SharedEngine.NetworkName);
        Assert.Multiple(() =>
        {
            Assert.That(body, Is.EqualTo("shared\n"));
            Assert.That(network.Containers.Select(c => c.Name), Does.Contain(web.Name));
            Assert.That(network.Subnet.Contains(web.IPAddress!), Is.True);
        });
    }

    [Test]
    public async Task ATestProcessKilledWithSigkill_LeavesNothingOnceTheNextProcessHasSwept()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "exec", typeof(SharedEngineTests).Assembly.Location, ThrowawayOwnerProcess.Command, LayerPath })
        {
            start.ArgumentList.Add(arg);
        }

        using var owner = Process.Start(start)!;
        string report;
        try
        {
            report = await ReadReportAsync(owner);
        }
        catch
        {
            // No child outlives a failed test.
            owner.Kill();
            throw;
        }

        var fields = report.Split('\t');
        var (pid, root, bridge, cgroupParent, hostPort) = (int.Parse(fields[1]), fields[2], fields[3], fields[4], int.Parse(fields[5]));
        var container = ProcessIdentity.Of(pid);
        string answer;
        try
        {
            answer = await AskAsync(hostPort);
        }
        finally
        {
            owner.Kill();
            await owner.WaitForExitAsync();
        }

        Assert.Multiple(() =>
        {
            Assert.That(container, Is.Not.Null, "the container ran");
            Assert.That(answer, Is.EqualTo("pong\n"), "its published port answered");
        });

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((container!.Value.IsAlive || MountsUnder(root).Length > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var containerAlive = container.Value.IsAlive;
        var mountsAfterKill = MountsUnder(root);
        await SharedEngine.RemoveRootsOfDeadProcessesAsync();

        Assert.Multiple(() =>
        {
            Assert.That(containerAlive, Is.False, "the container outlived the process that started it");
            Assert.That(mountsAfterKill, Is.Empty, "a mount outlived the process that made it");
            Assert.That(Directory.Exists(root), Is.False, "the dead process's root outlived the sweep");
            Assert.That(Directory.Exists($"/sys/class/net/{bridge}"), Is.False, "the dead process's bridge outlived the sweep");
            Assert.That(() => Cgroup.Open(CgroupLayout.Current, CgroupPath.Parse(cgroupParent)).Dispose(), Throws.TypeOf<NotFoundException>(), "the dead process's cgroup parent outlived the sweep");
        });
    }

    [Test]
    public async Task RemoveRootsOfDeadProcesses_RemovesADeadProcesssRootWithItsMountsAndKeepsALiveOnes()
    {
        var start = SharedEngine.ProcessStart(Environment.ProcessId);
        Assert.That(start, Is.Not.Null);
        // This pid with another start time is a process that has ended.
        var dead = Path.Combine(SharedEngine.Parent, SharedEngine.OwnerName(Environment.ProcessId, start!.Value + 1));
        var live = Path.Combine(SharedEngine.Parent, SharedEngine.OwnerName(Environment.ProcessId, start.Value));
        var mounted = Directory.CreateDirectory(Path.Combine(dead, "containers", "abc", "rootfs")).FullName;
        File.WriteAllText(Path.Combine(dead, "left"), "over");
        var liveWasThere = Directory.Exists(live);
        Directory.CreateDirectory(live);
        PosixFs.Mount("tmpfs", mounted, "tmpfs", 0);
        try
        {
            await SharedEngine.RemoveRootsOfDeadProcessesAsync();

            Assert.Multiple(() =>
            {
                Assert.That(MountInfo.ReadSelf().Select(m => m.MountPoint), Does.Not.Contain(mounted));
                Assert.That(Directory.Exists(dead), Is.False);
                Assert.That(Directory.Exists(live), Is.True);
            });
        }
        finally
        {
            if (MountInfo.ReadSelf().Any(m => m.MountPoint == mounted))
            {
                PosixFs.Unmount(mounted, LibC.MNT_DETACH);
            }

            if (Directory.Exists(dead))
            {
                Directory.Delete(dead, recursive: true);
            }

            if (!liveWasThere)
            {
                // The shared engine's root, made here before the engine: the engine removes its own at exit.
                Directory.Delete(live);
            }
        }
    }

    /// <summary>The child's report line; fails with its stderr when it ends without one.</summary>
    private static async Task<string> ReadReportAsync(Process owner)
    {
        var errors = owner.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        if (await owner.StandardOutput.ReadLineAsync(timeout.Token) is { } report)
        {
            return report;
        }

        await owner.WaitForExitAsync();
        Assert.Fail($"the owner process ended without starting a container: {await errors}");
        return "";
    }

    private static string[] MountsUnder(string root) =>
        [.. MountInfo.ReadSelf().Select(m => m.MountPoint).Where(p => p.StartsWith(root + "/", StringComparison.Ordinal))];

    /// <summary>What a server behind <paramref name="port"/> of 127.0.0.1 says before it closes.</summary>
    private static async Task<string> AskAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        using var reader = new StreamReader(client.GetStream());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await reader.ReadToEndAsync(timeout.Token);
    }
}
