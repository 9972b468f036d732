using System.Security.Cryptography;
using Containers.Errors;
using Containers.Linux;
using Containers.Processes;
using Containers.Runtime.Shim;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime.Builtin;

/// <summary>The escapes runc has had, tried against the built-in runtime.</summary>
public sealed class BuiltinRuntimeHardeningTests : BuiltinRuntimeTest
{
    /// <summary>CVE-2019-5736: the shim a container can reach through /proc/pid/exe is read-only (a read-only mount or a sealed copy).</summary>
    [Test]
    public async Task ProcExe_OfTheWaitingContainerProcess_CannotBeWritten()
    {
        var hostShim = ShimBinary.Locate();
        var before = SHA256.HashData(File.ReadAllBytes(hostShim));
        var id = NewId();
        await using var created = await CreateAsync(id, null, StdioMode.Null, "true");

        var exe = $"/proc/{created.Pid}/exe";
        var target = PosixFs.ReadLinkAt(null, exe);
        // A sealed memfd, or "/" for the root of a detached read-only bind mount of the file: never the host's path.
        Assert.That(target, Does.StartWith("/memfd:containers-shim").Or.EqualTo("/"));
        var error = Assert.Throws(Is.InstanceOf<Exception>(), () => File.OpenHandle(exe, FileMode.Open, FileAccess.Write).Dispose());
        Assert.That(error, Is.InstanceOf<UnauthorizedAccessException>().Or.InstanceOf<IOException>());
        Assert.That(SHA256.HashData(File.ReadAllBytes(hostShim)), Is.EqualTo(before));
    }

    /// <summary>The same attack from inside: a container's process cannot open the shim for writing either.</summary>
    [Test]
    public async Task ProcExe_OfAnExecdShimFromInside_CannotBeOpenedForWriting()
    {
        var id = NewId();
        await using var created = await CreateAsync(id, null, StdioMode.Null, "sleep", "60");
        await Runtime.StartAsync(id);
        var process = new OciProcess { Args = ["sh", "-c", "echo 1 >> /proc/1/exe && echo wrote || echo refused; readlink /proc/self/exe"], Env = ["PATH=/bin"] };
        await using var exec = await Runtime.ExecAsync(id, process, StdioMode.Pipes);
        var output = await new StreamReader(exec.Io.StandardOutput!).ReadToEndAsync();
        await exec.WaitAsync();
        Assert.That(output, Does.StartWith("refused\n/bin/busybox"));
    }

    /// <summary>No fd of the host's leaks into the container, even one the host forgot to mark close-on-exec.</summary>
    [Test]
    public async Task Fds_AboveStdio_AreClosedBeforeExec()
    {
        var leaked = LibC.Open("/etc/hostname", LibC.O_RDONLY, 0);
        Assert.That(leaked, Is.GreaterThan(2));
        try
        {
            var (_, output, _) = await RunAsync(null, "sh", "-c", "ls /proc/self/fd");
            var fds = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(fds, Is.EquivalentTo(new[] { "0", "1", "2", "3" }), "ls sees its own directory fd 3 and nothing else");
        }
        finally
        {
            _ = LibC.Close(leaked);
        }
    }

    /// <summary>CVE-2024-21626: a working directory through a leaked host fd is refused.</summary>
    [Test]
    public async Task Cwd_ThroughAHostFd_IsRefused()
    {
        var leaked = LibC.Open("/", LibC.O_RDONLY | LibC.O_DIRECTORY, 0);
        try
        {
            var id = NewId();
            var error = Assert.ThrowsAsync(Is.InstanceOf<ContainersException>(), async () =>
            {
                await using var created = await CreateAsync(id, s => s with { Process = s.Process! with { Cwd = $"/proc/self/fd/{leaked}" } }, StdioMode.Null, "true");
            });
            Assert.That(error!.Message, Does.Contain("cwd"));
            Assert.That(Directory.GetFileSystemEntries(StateRoot), Is.Empty);
        }
        finally
        {
            _ = LibC.Close(leaked);
        }

        await Task.CompletedTask;
    }

    /// <summary>A symlink in the rootfs cannot aim a mount at the host: the target resolves inside the root.</summary>
    [TestCase("/tmp/{0}")]
    [TestCase("../../../../../../../../tmp/{0}")]
    public async Task MountTarget_ThroughASymlinkInTheRootfs_StaysInsideTheRoot(string linkTarget)
    {
        var victim = Directory.CreateTempSubdirectory("victim-").FullName;
        var name = Path.GetFileName(victim);
        File.WriteAllText(Path.Combine(victim, "precious"), "host data");
        try
        {
            var id = NewId();
            var bundle = MakeBundle(
                id,
                s => s with { Mounts = [.. s.Mounts!, new OciMount { Destination = "/evil", Type = "tmpfs", Source = "tmpfs", Options = ["size=1m"] }] },
                "sh", "-c", "touch /evil/planted; ls /evil");
            File.CreateSymbolicLink(Path.Combine(bundle.Rootfs, "evil"), string.Format(System.Globalization.CultureInfo.InvariantCulture, linkTarget, name));
            await using var created = await Runtime.CreateAsync(new Containers.Runtime.ContainerCreateRequest(id, bundle.Path) { Stdio = StdioMode.Pipes, DieWithOwner = true });
            await Runtime.StartAsync(id);
            var output = await new StreamReader(created.Io.StandardOutput!).ReadToEndAsync();
            await Runtime.WaitAsync(id);

            Assert.That(output.Trim(), Is.EqualTo("planted"), "the tmpfs is mounted where the link points inside the root");
            Assert.That(Directory.GetFileSystemEntries(victim).Select(Path.GetFileName), Is.EqualTo(new[] { "precious" }));
            Assert.That(File.ReadAllText("/proc/self/mountinfo"), Does.Not.Contain(name));
            Assert.That(Directory.Exists(Path.Combine(bundle.Rootfs, "tmp", name)), Is.True, "the target was made inside the rootfs");
        }
        finally
        {
            Directory.Delete(victim, recursive: true);
        }
    }

    /// <summary>A bind mount's source is the host's, but its destination is still confined.</summary>
    [Test]
    public async Task BindMount_DestinationThroughASymlink_StaysInsideTheRoot()
    {
        var victim = Directory.CreateTempSubdirectory("victim-").FullName;
        var source = Directory.CreateTempSubdirectory("source-").FullName;
        File.WriteAllText(Path.Combine(source, "shared"), "x");
        try
        {
            var id = NewId();
            var bundle = MakeBundle(
                id,
                s => s with { Mounts = [.. s.Mounts!, new OciMount { Destination = "/data", Type = "bind", Source = source, Options = ["rbind", "ro"] }] },
                "sh", "-c", "ls /data; touch /data/x 2>/dev/null && echo writable || echo read-only");
            File.CreateSymbolicLink(Path.Combine(bundle.Rootfs, "data"), victim);
            await using var created = await Runtime.CreateAsync(new Containers.Runtime.ContainerCreateRequest(id, bundle.Path) { Stdio = StdioMode.Pipes, DieWithOwner = true });
            await Runtime.StartAsync(id);
            var output = await new StreamReader(created.Io.StandardOutput!).ReadToEndAsync();
            await Runtime.WaitAsync(id);
            Assert.That(output, Is.EqualTo("shared\nread-only\n"));
            Assert.That(Directory.GetFileSystemEntries(victim), Is.Empty);
        }
        finally
        {
            Directory.Delete(victim, recursive: true);
            Directory.Delete(source, recursive: true);
        }
    }
}
