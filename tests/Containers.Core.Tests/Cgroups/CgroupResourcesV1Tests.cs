using Containers.Cgroups;
using Containers.Errors;

namespace Containers.Core.Tests.Cgroups;

/// <summary>Each resource written to a real v1 cgroup and read back from the kernel's files.</summary>
public sealed class CgroupResourcesV1Tests : CgroupTest
{
    [Test]
    public void Create_MemoryLimits_AreWrittenToTheV1Files()
    {
        RequireV1("memory");
        var cgroup = CreateCgroup(new CgroupResources
        {
            Memory = new() { Limit = 64 << 20, Reservation = 32 << 20, Swappiness = 10 },
        });
        var directory = V1Directory(cgroup, "memory");

        Assert.That(ReadFile(directory, "memory.limit_in_bytes"), Is.EqualTo((64 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(ReadFile(directory, "memory.soft_limit_in_bytes"), Is.EqualTo((32 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(ReadFile(directory, "memory.swappiness"), Is.EqualTo("10"));
        Assert.That(cgroup.ReadStats().Memory.Limit, Is.EqualTo(64UL << 20));
    }

    [Test]
    public void Update_SwapAboveAndThenBelowTheOldLimits_WritesInAnOrderTheKernelAccepts()
    {
        RequireV1("memory");
        var cgroup = CreateCgroup(new CgroupResources { Memory = new() { Limit = 32 << 20, Swap = 32 << 20 } });
        var directory = V1Directory(cgroup, "memory");
        if (!File.Exists(Path.Join(directory, "memory.memsw.limit_in_bytes")))
        {
            Assert.Ignore("needs swap accounting (memory.memsw.*)");
        }

        cgroup.Update(new CgroupResources { Memory = new() { Limit = 128 << 20, Swap = 256 << 20 } });
        Assert.That(ReadFile(directory, "memory.memsw.limit_in_bytes"), Is.EqualTo((256 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(ReadFile(directory, "memory.limit_in_bytes"), Is.EqualTo((128 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        cgroup.Update(new CgroupResources { Memory = new() { Limit = 16 << 20, Swap = 16 << 20 } });
        Assert.That(ReadFile(directory, "memory.memsw.limit_in_bytes"), Is.EqualTo((16 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(ReadFile(directory, "memory.limit_in_bytes"), Is.EqualTo((16 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Create_CpuSharesQuotaAndPeriod_AreWrittenToTheV1Files()
    {
        RequireV1("cpu");
        var cgroup = CreateCgroup(new CgroupResources { Cpu = new() { Shares = 512, Quota = 20000, Period = 50000 } });
        var directory = V1Directory(cgroup, "cpu");

        Assert.That(ReadFile(directory, "cpu.shares"), Is.EqualTo("512"));
        Assert.That(ReadFile(directory, "cpu.cfs_quota_us"), Is.EqualTo("20000"));
        Assert.That(ReadFile(directory, "cpu.cfs_period_us"), Is.EqualTo("50000"));
    }

    [Test]
    public void Create_WeightOnlyOnV1_IsConvertedToShares()
    {
        RequireV1("cpu");
        var cgroup = CreateCgroup(new CgroupResources { Cpu = new() { Weight = 100 } });

        Assert.That(ReadFile(V1Directory(cgroup, "cpu"), "cpu.shares"), Is.EqualTo(CgroupConversions.WeightToShares(100).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Update_QuotaMinusOne_RemovesTheQuota()
    {
        RequireV1("cpu");
        var cgroup = CreateCgroup(new CgroupResources { Cpu = new() { Quota = 20000 } });

        cgroup.Update(new CgroupResources { Cpu = new() { Quota = -1 } });

        Assert.That(ReadFile(V1Directory(cgroup, "cpu"), "cpu.cfs_quota_us"), Is.EqualTo("-1"));
    }

    [Test]
    public void Create_CpusAndMems_AreWrittenToTheV1Cpuset()
    {
        RequireV1("cpuset");
        var cgroup = CreateCgroup(new CgroupResources { Cpu = new() { Cpus = "0", Mems = "0" } });
        var directory = V1Directory(cgroup, "cpuset");

        Assert.That(ReadFile(directory, "cpuset.cpus"), Is.EqualTo("0"));
        Assert.That(ReadFile(directory, "cpuset.mems"), Is.EqualTo("0"));
    }

    [Test]
    public void Create_PidsMax_IsWrittenAndMinusOneIsMax()
    {
        RequireV1("pids");
        var cgroup = CreateCgroup(new CgroupResources { PidsMax = 5 });
        var directory = V1Directory(cgroup, "pids");
        Assert.That(ReadFile(directory, "pids.max"), Is.EqualTo("5"));
        Assert.That(cgroup.ReadStats().Pids.Limit, Is.EqualTo(5UL));

        cgroup.Update(new CgroupResources { PidsMax = -1 });

        Assert.That(ReadFile(directory, "pids.max"), Is.EqualTo("max"));
        Assert.That(cgroup.ReadStats().Pids.Limit, Is.EqualTo(ulong.MaxValue));
    }

    [Test]
    public void Create_BlkioThrottles_AreWrittenPerDevice()
    {
        RequireV1("blkio");
        var (major, minor) = RootDevice();
        var cgroup = CreateCgroup(new CgroupResources
        {
            Io = new()
            {
                ReadBps = [new(major, minor, 1048576)],
                WriteBps = [new(major, minor, 2097152)],
                ReadIops = [new(major, minor, 100)],
                WriteIops = [new(major, minor, 200)],
            },
        });
        var directory = V1Directory(cgroup, "blkio");

        Assert.Multiple(() =>
        {
            Assert.That(ReadFile(directory, "blkio.throttle.read_bps_device"), Is.EqualTo($"{major}:{minor} 1048576"));
            Assert.That(ReadFile(directory, "blkio.throttle.write_bps_device"), Is.EqualTo($"{major}:{minor} 2097152"));
            Assert.That(ReadFile(directory, "blkio.throttle.read_iops_device"), Is.EqualTo($"{major}:{minor} 100"));
            Assert.That(ReadFile(directory, "blkio.throttle.write_iops_device"), Is.EqualTo($"{major}:{minor} 200"));
        });
    }

    [Test]
    public void Update_BlkioWeight_IsWrittenOrRefusedClearlyWithoutAWeightFile()
    {
        RequireV1("blkio");
        var cgroup = CreateCgroup();
        var directory = V1Directory(cgroup, "blkio");
        var weightFile = new[] { "blkio.weight", "blkio.bfq.weight" }.FirstOrDefault(f => File.Exists(Path.Join(directory, f)));
        var resources = new CgroupResources { Io = new() { Weight = 300 } };

        if (weightFile is null)
        {
            var error = Assert.Throws<FailedPreconditionException>(() => cgroup.Update(resources));
            Assert.That(error!.Message, Does.Contain("blkio.weight"));
            return;
        }

        cgroup.Update(resources);
        Assert.That(ReadFile(directory, weightFile), Does.Contain("300"));
    }

    [Test]
    public void Create_DeviceRules_AreWrittenInOrder()
    {
        RequireV1("devices");
        var cgroup = CreateCgroup(new CgroupResources
        {
            Devices =
            [
                new(false, CgroupDeviceType.All, null, null, "rwm"),
                new(true, CgroupDeviceType.Char, 1, 3, "rwm"),
                new(true, CgroupDeviceType.Char, 1, 5, "r"),
            ],
        });

        var list = File.ReadAllLines(Path.Join(V1Directory(cgroup, "devices"), "devices.list"));

        Assert.That(list, Is.EquivalentTo(new[] { "c 1:3 rwm", "c 1:5 r" }));
    }

    [Test]
    public void Update_OnlyNamedMembers_LeavesTheOthersAlone()
    {
        RequireV1("memory", "pids");
        var cgroup = CreateCgroup(new CgroupResources { Memory = new() { Limit = 64 << 20 }, PidsMax = 10 });

        cgroup.Update(new CgroupResources { PidsMax = 20 });

        Assert.That(ReadFile(V1Directory(cgroup, "pids"), "pids.max"), Is.EqualTo("20"));
        Assert.That(ReadFile(V1Directory(cgroup, "memory"), "memory.limit_in_bytes"), Is.EqualTo((64 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Create_JunkCpus_IsRejectedBeforeAnyDirectoryExists()
    {
        var resources = new CgroupResources { PidsMax = 5, Cpu = new() { Cpus = "max\n+cpuset" } };

        var error = Assert.Throws<InvalidArgumentException>(() => Cgroup.Create(Layout, TestPath, resources));

        Assert.That(error!.Message, Does.Contain("cpu.cpus").And.Contain("max\\n+cpuset"));
        Assert.That(CgroupLeakCheck.Leftovers().Where(d => d.EndsWith(TestPath.Value, StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void Update_JunkValue_LeavesEveryFileUnchanged()
    {
        RequireV1("pids", "cpu");
        var cgroup = CreateCgroup(new CgroupResources { PidsMax = 7, Cpu = new() { Period = 100000 } });

        Assert.Throws<InvalidArgumentException>(() => cgroup.Update(new CgroupResources { PidsMax = 9, Cpu = new() { Period = 10 } }));

        Assert.That(ReadFile(V1Directory(cgroup, "pids"), "pids.max"), Is.EqualTo("7"), "pids.max was written before the bad period was noticed");
        Assert.That(ReadFile(V1Directory(cgroup, "cpu"), "cpu.cfs_period_us"), Is.EqualTo("100000"));
    }

    [Test]
    public void Create_KernelRejectsAValue_FailsNamingTheFileAndRemovesWhatItMade()
    {
        RequireV1("cpuset");
        // Valid syntax, but no such CPU: the kernel says EINVAL.
        var resources = new CgroupResources { Cpu = new() { Cpus = "4000" } };

        var error = Assert.Throws<InvalidArgumentException>(() => Cgroup.Create(Layout, TestPath, resources));

        Assert.That(error!.Message, Does.Contain("cpuset.cpus").And.Contain(TestPath.Value));
        Assert.That(CgroupLeakCheck.Leftovers().Where(d => d.EndsWith(TestPath.Value, StringComparison.Ordinal)), Is.Empty);
    }

    private static (long Major, long Minor) RootDevice()
    {
        var root = Containers.Mounts.MountInfo.ReadSelf().First(m => m.MountPoint == "/");
        var block = $"/sys/dev/block/{root.Major}:{root.Minor}";
        if (!Directory.Exists(block))
        {
            Assert.Ignore($"the root filesystem is not on a block device ({root.Source})");
        }

        return (root.Major, root.Minor);
    }
}
