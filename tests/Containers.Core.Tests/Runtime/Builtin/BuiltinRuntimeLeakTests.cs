using System.Text.Json;
using Containers.Cgroups;
using Containers.Mounts;
using Containers.Processes;
using Containers.Runtime;

namespace Containers.Core.Tests.Runtime.Builtin;

/// <summary>Many lifecycles in a row leave the host as they found it.</summary>
public sealed class BuiltinRuntimeLeakTests : BuiltinRuntimeTest
{
    private const int Cycles = 200;

    [Test]
    public async Task TwoHundredLifecycles_LeaveNoMountsCgroupsFdsOrProcesses()
    {
        var id = NewId();
        var bundle = MakeBundle(id, null, "true");
        var pids = new List<int>();

        async Task CycleAsync()
        {
            await using var created = await Runtime.CreateAsync(new ContainerCreateRequest(id, bundle.Path) { Stdio = StdioMode.Pipes, DieWithOwner = true });
            var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(StateRoot, id, "state.json"))).RootElement;
            pids.Add(created.Pid);
            pids.Add(record.GetProperty("shimPid").GetInt32());
            await Runtime.StartAsync(id);
            var exit = await Runtime.WaitAsync(id);
            Assert.That(exit, Is.EqualTo(ExitStatus.Exited(0)));
            await Runtime.DeleteAsync(id);
        }

        // Warm-up cycles make the parent cgroup and let .NET open what it opens once (the shim's memfd, epoll threads).
        for (var i = 0; i < 5; i++)
        {
            await CycleAsync();
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var fdsBefore = FdTargets();
        var before = Snapshot(bundle.Path);
        for (var i = 0; i < Cycles; i++)
        {
            await CycleAsync();
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var after = Snapshot(bundle.Path);
        Assert.Multiple(() =>
        {
            Assert.That(after.Mounts, Is.EqualTo(before.Mounts), "host mounts");
            Assert.That(after.Cgroups, Is.EqualTo(before.Cgroups), "cgroup directories under the test parent");
            Assert.That(after.Fds, Is.EqualTo(before.Fds), $"open fds of this process; new: {string.Join(", ", FdTargets().Except(fdsBefore))}");
            Assert.That(after.Children, Is.EqualTo(before.Children), "children of this process");
            Assert.That(pids.Where(ProcessState.IsRunning).Where(IsOurs), Is.Empty, "container or shim processes still alive");
            Assert.That(Directory.GetFileSystemEntries(StateRoot), Is.Empty, "state directories");
        });
    }

    private static HashSet<string> FdTargets() =>
        Directory.GetFileSystemEntries("/proc/self/fd").Select(fd =>
        {
            try
            {
                return $"{Path.GetFileName(fd)}->{Containers.Linux.PosixFs.ReadLinkAt(null, fd)}";
            }
            catch (Exception)
            {
                return Path.GetFileName(fd);
            }
        }).ToHashSet();

    private static bool IsOurs(int pid)
    {
        // A pid may have been reused by an unrelated process; ours run the shim or busybox.
        try
        {
            var exe = Containers.Linux.PosixFs.ReadLinkAt(null, $"/proc/{pid}/exe");
            return exe.Contains("containers-shim", StringComparison.Ordinal) || exe.Contains("busybox", StringComparison.Ordinal);
        }
        catch (Exception)
        {
            return false;
        }
    }

    private (int Mounts, int Cgroups, int Fds, int Children) Snapshot(string bundle)
    {
        // Other test assemblies run beside this one and mount under their own temporary roots;
        // everywhere else, and under this test's bundle and state, every mount counts.
        var tmp = Path.GetTempPath();
        var mounts = MountInfo.ReadSelf().Count(m => !m.MountPoint.StartsWith(tmp, StringComparison.Ordinal)
            || m.MountPoint.StartsWith(bundle, StringComparison.Ordinal) || m.MountPoint.StartsWith(StateRoot, StringComparison.Ordinal));
        var layout = CgroupLayout.Current;
        using var parent = Cgroup.Open(layout, CgroupPath.Parse(CgroupParent));
        var cgroups = parent.Directories.Where(Directory.Exists).Sum(d => Directory.GetDirectories(d, "*", SearchOption.AllDirectories).Length);
        // Assemblies (and their symbols) that the runtime loads on first use hold an fd each; they are code, not leaks.
        var fds = FdTargets().Count(target => !target.EndsWith(".dll", StringComparison.Ordinal) && !target.EndsWith(".pdb", StringComparison.Ordinal));
        var children = Directory.GetDirectories("/proc/self/task")
            .Sum(t => File.ReadAllText(Path.Combine(t, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        return (mounts, cgroups, fds, children);
    }
}
