using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Containers.Cgroups;
using Containers.Images.Engine;
using Containers.Images.Snapshots;
using Containers.Mounts;
using Containers.Processes;

namespace Containers.Images.Tests.Engine;

/// <summary>A container that dies with its engine's process leaves nothing behind, even when that process is killed.</summary>
public sealed class EngineOwnerDeathTests : EngineTest
{
    [Test]
    public async Task OwnerKilled_LeavesNoMountCgroupProcessDirectoryOrSnapshot()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "exec", typeof(EngineOwnerDeathTests).Assembly.Location, EngineOwnerProcess.Command, Root, LayerPath })
        {
            start.ArgumentList.Add(arg);
        }

        using var owner = Process.Start(start)!;
        var errors = owner.StandardError.ReadToEndAsync();
        string? report;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            report = await owner.StandardOutput.ReadLineAsync(timeout.Token);
        }

        if (report is null)
        {
            await owner.WaitForExitAsync();
            Assert.Fail($"the owner process ended without running a container: {await errors}");
        }

        var (id, pid, snapshot) = (report!.Split('\t')[0], int.Parse(report.Split('\t')[1]), report.Split('\t')[2]);
        var state = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Root, "run", id, "state.json")))!;
        var processes = new[] { ProcessIdentity.Of(pid), ProcessIdentity.Of(state["shimPid"]!.GetValue<int>()) };
        var cgroups = CgroupDirectories(state["cgroupPath"]!.GetValue<string>());
        var directory = Path.Combine(Root, "containers", id);
        Assert.Multiple(() =>
        {
            Assert.That(processes, Has.All.Not.Null, "the container and its shim run");
            Assert.That(cgroups, Has.Some.Matches<string>(Directory.Exists), "the container has a cgroup");
            Assert.That(MountsUnderRoot(), Is.Not.Empty, "the rootfs is mounted");
            Assert.That(Directory.Exists(snapshot), Is.True, "the writable snapshot exists");
        });

        owner.Kill();
        await owner.WaitForExitAsync();

        bool Left() => processes.Any(p => p!.Value.IsAlive) || cgroups.Any(Directory.Exists) || MountsUnderRoot().Length > 0 || Directory.Exists(directory) || Directory.Exists(snapshot);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Left() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Multiple(() =>
        {
            Assert.That(processes.Where(p => p!.Value.IsAlive), Is.Empty, "a process of the container outlived its owner");
            Assert.That(cgroups.Where(Directory.Exists), Is.Empty, "its cgroup outlived its owner");
            Assert.That(MountsUnderRoot(), Is.Empty, "its rootfs mount outlived its owner");
            Assert.That(Directory.Exists(directory), Is.False, "its directory outlived its owner");
            Assert.That(Directory.Exists(snapshot), Is.False, "its writable snapshot outlived its owner");
            Assert.That(Directory.Exists(Path.Combine(Root, "run", id)), Is.False, "its runtime state outlived its owner");
        });

        // The snapshot's record is all that is left, and the next engine on the root removes it.
        await ReopenEngineAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(await Engine.ListAsync(), Is.Empty);
            Assert.That(await ContainerSnapshotsAsync(), Is.Empty);
        });
    }

    [Test]
    public async Task ANewEngine_RemovesWhatIsLeftOfAContainerWhoseOwnerAndShimAreGone()
    {
        // Each step says so, and the waits are bounded: this test once stalled in a CI run, and a
        // timed-out test has no stack to show where.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await TestContext.Out.WriteLineAsync("run");
        var info = await Engine.RunAsync(Spec("sleep", "600"), timeout.Token);
        // The runtime forgets it, as its sweep does once owner and shim are dead; the engine's record says its owner is gone.
        await TestContext.Out.WriteLineAsync("runtime delete");
        await Runtime.DeleteAsync(info.Id, force: true, timeout.Token);
        await TestContext.Out.WriteLineAsync("engine wait");
        await Engine.WaitAsync(info.Id, timeout.Token);
        var record = Path.Combine(Root, "containers", info.Id, "container.json");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(record))!;
        json["ownerPid"] = int.MaxValue;
        await File.WriteAllTextAsync(record, json.ToJsonString());

        await TestContext.Out.WriteLineAsync("reopen");
        await ReopenEngineAsync();
        await TestContext.Out.WriteLineAsync("reopened");

        Assert.Multiple(async () =>
        {
            Assert.That(await Engine.ListAsync(), Is.Empty);
            Assert.That(Directory.Exists(Path.Combine(Root, "containers", info.Id)), Is.False);
            Assert.That(MountsUnderRoot(), Is.Empty);
            Assert.That(await ContainerSnapshotsAsync(), Is.Empty);
        });
    }

    [Test]
    public async Task ANewEngine_KeepsTheContainersOfALiveOwner()
    {
        var info = await Engine.RunAsync(Spec("sleep", "600"));
        await ReopenEngineAsync();
        Assert.Multiple(async () =>
        {
            Assert.That((await Engine.InspectAsync(info.Id)).Status, Is.EqualTo(Containers.Runtime.ContainerStatus.Running));
            Assert.That(await ContainerSnapshotsAsync(), Has.Length.EqualTo(1));
        });
    }

    private string[] MountsUnderRoot() =>
        [.. MountInfo.ReadSelf().Select(m => m.MountPoint).Where(p => p.StartsWith(Root + "/", StringComparison.Ordinal))];

    private async Task<string[]> ContainerSnapshotsAsync()
    {
        var snapshotter = SnapshotterSelector.Select(new SnapshotterOptions { Root = Path.Combine(Root, "snapshots") }, TimeProvider.System);
        var names = new List<string>();
        await foreach (var info in snapshotter.WalkAsync())
        {
            if (info.Kind == SnapshotKind.Active)
            {
                names.Add(info.Name);
            }
        }

        return [.. names];
    }

    private static string[] CgroupDirectories(string path)
    {
        using var cgroup = Cgroup.Open(CgroupLayout.Current, CgroupPath.Parse(path));
        return [.. cgroup.Directories];
    }
}
