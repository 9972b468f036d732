using System.Collections.Concurrent;
using Containers.Cgroups;

namespace Containers.Core.Tests.Cgroups.Devices;

/// <summary>
/// The BPF device filter, as pure cgroup v2 hosts need it, on this host's v2 hierarchy: the kernel
/// asks the program for every device a process in the cgroup opens.
/// </summary>
public sealed class DeviceFilterTests : CgroupTest
{
    [Test]
    public async Task Filter_AllowsOnlyWhatTheRulesAllow()
    {
        if (Layout.Unified is null)
        {
            Assert.Ignore("needs a cgroup v2 hierarchy");
        }

        var cgroup = CreateCgroup();
        cgroup.ApplyDeviceFilter(
        [
            new(false, CgroupDeviceType.All, null, null, "rwm"),
            new(true, CgroupDeviceType.Char, 1, 3, "rwm"),
            new(true, CgroupDeviceType.Char, 1, 9, "r"),
        ]);

        var lines = new ConcurrentQueue<string>();
        var process = Start("sh", "-c",
            "read _; "
            + "(echo x > /dev/null) 2>/dev/null && echo null-write || echo null-refused; "
            + "(head -c 1 /dev/zero > /dev/null) 2>/dev/null && echo zero-read || echo zero-refused; "
            + "(head -c 1 /dev/urandom > /dev/null) 2>/dev/null && echo urandom-read || echo urandom-refused; "
            + "(echo x > /dev/urandom) 2>/dev/null && echo urandom-write || echo urandom-write-refused");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lines.Enqueue(e.Data);
            }
        };
        cgroup.AddProcess(process.Id);
        await process.StandardInput.WriteLineAsync();
        await process.StandardInput.FlushAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        process.WaitForExit();

        Assert.That(lines, Is.EqualTo(new[] { "null-write", "zero-refused", "urandom-read", "urandom-write-refused" }));
    }

    [Test]
    public async Task Filter_AppliedAgain_ReplacesTheOldOne()
    {
        if (Layout.Unified is null)
        {
            Assert.Ignore("needs a cgroup v2 hierarchy");
        }

        var cgroup = CreateCgroup();
        cgroup.ApplyDeviceFilter([new(false, CgroupDeviceType.All, null, null, "rwm")]);
        cgroup.ApplyDeviceFilter([new(true, CgroupDeviceType.All, null, null, "rwm")]);

        using var directory = Containers.Linux.PosixFs.OpenDirectory(cgroup.Directories.Single(d => d.StartsWith(Layout.Unified!.MountPoint + "/", StringComparison.Ordinal)));
        var attached = Containers.Cgroups.Devices.DeviceFilter.AttachedPrograms((int)directory.DangerousGetHandle(), "test");
        Assert.That(attached, Has.Length.EqualTo(1), "one program, the new one");

        var process = StartIn(cgroup, "head -c 1 /dev/zero > /dev/null");
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.That(process.ExitCode, Is.Zero, "the allow-all filter replaced the deny-all one");
    }
}
