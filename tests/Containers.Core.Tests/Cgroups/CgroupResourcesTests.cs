using Containers.Cgroups;
using Containers.Errors;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Cgroups;

public sealed class CgroupResourcesTests
{
    private static IEnumerable<TestCaseData> Junk()
    {
        yield return new TestCaseData(new CgroupResources { Cpu = new() { Cpus = "max\n+cpuset" } }, "cpu.cpus").SetName("Validate_CpusWithInjectedNewline_IsRejected");
        yield return new TestCaseData(new CgroupResources { Cpu = new() { Mems = "0 +memory" } }, "cpu.mems").SetName("Validate_MemsWithSpaceAndPlus_IsRejected");
        yield return new TestCaseData(new CgroupResources { Cpu = new() { Cpus = "3-1" } }, "cpu.cpus").SetName("Validate_DescendingCpuRange_IsRejected");
        yield return new TestCaseData(new CgroupResources { Cpu = new() { Period = 999 } }, "cpu.period").SetName("Validate_PeriodBelow1000_IsRejected");
        yield return new TestCaseData(new CgroupResources { Cpu = new() { Period = 1000001 } }, "cpu.period").SetName("Validate_PeriodAboveOneSecond_IsRejected");
        yield return new TestCaseData(new CgroupResources { Cpu = new() { Shares = 1 } }, "cpu.shares").SetName("Validate_SharesBelow2_IsRejected");
        yield return new TestCaseData(new CgroupResources { Cpu = new() { Weight = 0 } }, "cpu.weight").SetName("Validate_WeightZero_IsRejected");
        yield return new TestCaseData(new CgroupResources { Cpu = new() { Weight = 10001 } }, "cpu.weight").SetName("Validate_WeightAbove10000_IsRejected");
        yield return new TestCaseData(new CgroupResources { Cpu = new() { Quota = -5 } }, "cpu.quota").SetName("Validate_NegativeQuotaOtherThanMinusOne_IsRejected");
        yield return new TestCaseData(new CgroupResources { Memory = new() { Limit = -2 } }, "memory.limit").SetName("Validate_NegativeMemoryLimit_IsRejected");
        yield return new TestCaseData(new CgroupResources { Memory = new() { Limit = 100, Swap = 50 } }, "memory.swap").SetName("Validate_SwapBelowLimit_IsRejected");
        yield return new TestCaseData(new CgroupResources { Memory = new() { Swap = 1 << 20 } }, "memory.swap").SetName("Validate_SwapWithoutLimit_IsRejected");
        yield return new TestCaseData(new CgroupResources { Memory = new() { Swappiness = 101 } }, "memory.swappiness").SetName("Validate_SwappinessAbove100_IsRejected");
        yield return new TestCaseData(new CgroupResources { PidsMax = 0 }, "pids.max").SetName("Validate_PidsMaxZero_IsRejected");
        yield return new TestCaseData(new CgroupResources { PidsMax = -7 }, "pids.max").SetName("Validate_NegativePidsMax_IsRejected");
        yield return new TestCaseData(new CgroupResources { Io = new() { Weight = 5 } }, "io.weight").SetName("Validate_IoWeightBelow10_IsRejected");
        yield return new TestCaseData(new CgroupResources { Io = new() { ReadBps = [new(-1, 0, 10)] } }, "io.readBps[0].major").SetName("Validate_NegativeThrottleMajor_IsRejected");
        yield return new TestCaseData(new CgroupResources { Io = new() { WriteIops = [new(8, 1L << 21, 10)] } }, "io.writeIops[0].minor").SetName("Validate_OverflowingThrottleMinor_IsRejected");
        yield return new TestCaseData(new CgroupResources { Devices = [new(true, CgroupDeviceType.Char, 1, 3, "rw\nm")] }, "devices[0].access").SetName("Validate_DeviceAccessWithNewline_IsRejected");
        yield return new TestCaseData(new CgroupResources { Devices = [new(true, CgroupDeviceType.Char, 1, 3, "rr")] }, "devices[0].access").SetName("Validate_DeviceAccessRepeated_IsRejected");
        yield return new TestCaseData(new CgroupResources { Devices = [new(true, (CgroupDeviceType)9, 1, 3, "r")] }, "devices[0].type").SetName("Validate_UnknownDeviceType_IsRejected");
    }

    [TestCaseSource(nameof(Junk))]
    public void Validate_Junk_FailsNamingFieldAndValue(CgroupResources resources, string field)
    {
        var error = Assert.Throws<InvalidArgumentException>(resources.Validate);

        Assert.That(error!.Message, Does.Contain(field).And.Contain("is invalid:"));
        Assert.That(error.Message, Does.Not.Contain("\n"), "the value is shown escaped");
    }

    [Test]
    public void Validate_SensibleValues_Pass()
    {
        var resources = new CgroupResources
        {
            Memory = new() { Limit = 64 << 20, Reservation = 32 << 20, Swap = 128 << 20, Swappiness = 60 },
            Cpu = new() { Shares = 512, Quota = 50000, Period = 100000, Cpus = "0-1,3", Mems = "0" },
            PidsMax = 100,
            Io = new() { Weight = 500, ReadBps = [new(254, 0, 1 << 20)] },
            Devices = [new(false, CgroupDeviceType.All, null, null, "rwm"), new(true, CgroupDeviceType.Char, 1, 3, "rwm")],
        };

        Assert.DoesNotThrow(resources.Validate);
    }

    [TestCase(2UL, 1UL)]
    [TestCase(1024UL, 39UL)]
    [TestCase(262144UL, 10000UL)]
    public void SharesToWeight_UsesTheRuncFormula(ulong shares, ulong weight)
    {
        Assert.That(CgroupConversions.SharesToWeight(shares), Is.EqualTo(weight));
        Assert.That(CgroupConversions.SharesToWeight(shares), Is.EqualTo(1 + ((shares - 2) * 9999 / 262142)));
    }

    [Test]
    public void WeightToShares_RoundTripsTheEnds()
    {
        Assert.That(CgroupConversions.WeightToShares(1), Is.EqualTo(2UL));
        Assert.That(CgroupConversions.WeightToShares(10000), Is.EqualTo(262144UL));
    }

    [TestCase(10UL, 1UL)]
    [TestCase(500UL, 4950UL)]
    [TestCase(1000UL, 10000UL)]
    public void BlkioWeightToIoWeight_UsesTheRuncFormula(ulong blkio, ulong io)
    {
        Assert.That(CgroupConversions.BlkioWeightToIoWeight(blkio), Is.EqualTo(io));
    }

    [Test]
    public void SwapToV2_IsSwapMinusLimitAndMinusOneStaysMax()
    {
        Assert.That(CgroupConversions.SwapToV2(300, 100), Is.EqualTo(200));
        Assert.That(CgroupConversions.SwapToV2(100, 100), Is.EqualTo(0));
        Assert.That(CgroupConversions.SwapToV2(-1, 100), Is.EqualTo(-1));
        Assert.That(CgroupConversions.SwapToV2(null, 100), Is.Null);
    }

    [Test]
    public void TicksToNanoseconds_UsesUserHz100()
    {
        Assert.That(CgroupConversions.TicksToNanoseconds(250), Is.EqualTo(2_500_000_000UL));
    }

    [Test]
    public void IoMaxLines_GroupsThrottlesPerDeviceAndZeroIsMax()
    {
        var io = new CgroupIoLimits
        {
            ReadBps = [new(8, 0, 1048576), new(254, 0, 0)],
            WriteIops = [new(8, 0, 100)],
        };

        Assert.That(Cgroup.IoMaxLines(io), Is.EqualTo(new[] { "8:0 rbps=1048576 wiops=100", "254:0 rbps=max" }));
    }

    [Test]
    public void DeviceRule_ToV1Line_UsesStarForAny()
    {
        Assert.That(new CgroupDeviceRule(true, CgroupDeviceType.Char, 1, null, "rw").ToV1Line(), Is.EqualTo("c 1:* rw"));
        Assert.That(new CgroupDeviceRule(false, CgroupDeviceType.All, null, null, "rwm").ToV1Line(), Is.EqualTo("a *:* rwm"));
    }

    [Test]
    public void FromOci_MapsEveryPartAndTreatsZeroAsUnset()
    {
        var oci = new OciResources
        {
            Memory = new OciMemory { Limit = 1 << 26, Reservation = 0, Swap = 1 << 27, Swappiness = 10 },
            Cpu = new OciCpu { Shares = 256, Quota = 0, Period = 100000, Cpus = "", Mems = "0" },
            Pids = new OciPids { Limit = 0 },
            BlockIo = new OciBlockIo { Weight = 300, ThrottleWriteBpsDevice = [new OciThrottleDevice { Major = 8, Minor = 16, Rate = 4096 }] },
            Devices = [new OciDeviceCgroup { Allow = false, Access = "rwm" }, new OciDeviceCgroup { Allow = true, Type = "c", Major = 1, Minor = 3, Access = "rw" }],
        };

        var resources = CgroupResources.FromOci(oci)!;

        Assert.Multiple(() =>
        {
            Assert.That(resources.Memory!.Limit, Is.EqualTo(1 << 26));
            Assert.That(resources.Memory.Reservation, Is.Null);
            Assert.That(resources.Memory.Swap, Is.EqualTo(1 << 27));
            Assert.That(resources.Cpu!.Shares, Is.EqualTo(256));
            Assert.That(resources.Cpu.Quota, Is.Null);
            Assert.That(resources.Cpu.Cpus, Is.Null);
            Assert.That(resources.Cpu.Mems, Is.EqualTo("0"));
            Assert.That(resources.PidsMax, Is.EqualTo(-1));
            Assert.That(resources.Io!.Weight, Is.EqualTo(300));
            Assert.That(resources.Io.WriteBps, Is.EqualTo(new[] { new CgroupThrottle(8, 16, 4096) }));
            Assert.That(resources.Devices![0], Is.EqualTo(new CgroupDeviceRule(false, CgroupDeviceType.All, null, null, "rwm")));
            Assert.That(resources.Devices[1], Is.EqualTo(new CgroupDeviceRule(true, CgroupDeviceType.Char, 1, 3, "rw")));
        });
        Assert.DoesNotThrow(resources.Validate);
        Assert.That(CgroupResources.FromOci(null), Is.Null);
    }

    [Test]
    public void FromOci_UnknownDeviceType_IsRejected()
    {
        var oci = new OciResources { Devices = [new OciDeviceCgroup { Allow = true, Type = "x", Access = "r" }] };

        Assert.Throws<InvalidArgumentException>(() => CgroupResources.FromOci(oci));
    }

    [Test]
    public void Create_DeviceRulesWithNoDevicesControllerNorV2_FailBeforeAnythingIsWritten()
    {
        // Neither v1 devices files nor a v2 directory for a BPF filter: the rules must not be silently dropped.
        const string memoryOnly = "30 24 0:27 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,memory\n";
        var layout = CgroupLayout.Parse(memoryOnly, "4:memory:/\n");
        var path = CgroupPath.Parse("containers-test-never-" + Guid.NewGuid().ToString("N"));
        var resources = new CgroupResources { Devices = [new(false, CgroupDeviceType.All, null, null, "rwm")] };

        var error = Assert.Throws<FailedPreconditionException>(() => Cgroup.Create(layout, path, resources));

        Assert.That(error!.Message, Does.Contain("device rules").And.Contain(path.Value));
        Assert.That(Directory.Exists(Path.Join("/sys/fs/cgroup/memory", path.Value)), Is.False);
    }

    [Test]
    public void Create_ControllerTheLayoutLacks_FailsBeforeAnythingIsWritten()
    {
        var layout = CgroupLayout.Parse(CgroupSamples.PureV2MountInfo, CgroupSamples.PureV2Cgroup, ["cpu"]);
        var path = CgroupPath.Parse("containers-test-never-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<FailedPreconditionException>(() => Cgroup.Create(layout, path, new CgroupResources { PidsMax = 5 }));

        Assert.That(error!.Message, Does.Contain("pids controller"));
    }
}
