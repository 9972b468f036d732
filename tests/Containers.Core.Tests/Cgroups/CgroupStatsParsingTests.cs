using Containers.Cgroups;

namespace Containers.Core.Tests.Cgroups;

/// <summary>Stats parsing from fixture files in the kernel's own formats; needs no root and no cgroup.</summary>
public sealed class CgroupStatsParsingTests
{
    private string _fixture = null!;

    [SetUp]
    public void MakeFixtureDirectory() => _fixture = Directory.CreateTempSubdirectory("cgroup-stats-").FullName;

    [TearDown]
    public void RemoveFixtureDirectory()
    {
        Directory.Delete(_fixture, recursive: true);
        Assert.That(Directory.Exists(_fixture), Is.False);
    }

    [Test]
    public void UnifiedDirectory_KernelFormats_AreParsedWithTheRightUnits()
    {
        CgroupStatFixtures.WriteV2(_fixture);
        using var reader = CgroupStatsReader.ForUnifiedDirectory(_fixture);

        var stats = reader.Read();

        Assert.Multiple(() =>
        {
            Assert.That(stats.Memory.Usage, Is.EqualTo(7213056UL));
            Assert.That(stats.Memory.Limit, Is.EqualTo(67108864UL));
            Assert.That(stats.Memory.MaxUsage, Is.EqualTo(9437184UL));
            Assert.That(stats.Memory.Anon, Is.EqualTo(3244032UL));
            Assert.That(stats.Memory.File, Is.EqualTo(2838528UL));
            Assert.That(stats.Memory.OomEvents, Is.EqualTo(2UL));
            Assert.That(stats.Memory.OomKills, Is.EqualTo(1UL));
            Assert.That(stats.Cpu.UsageNanoseconds, Is.EqualTo(40_000_123_000UL), "usage_usec × 1000");
            Assert.That(stats.Cpu.UserNanoseconds, Is.EqualTo(30_000_001_000UL));
            Assert.That(stats.Cpu.SystemNanoseconds, Is.EqualTo(10_000_122_000UL));
            Assert.That(stats.Cpu.Periods, Is.EqualTo(419UL));
            Assert.That(stats.Cpu.ThrottledPeriods, Is.EqualTo(393UL));
            Assert.That(stats.Cpu.ThrottledNanoseconds, Is.EqualTo(36_123_456_000UL));
            Assert.That(stats.Pids.Current, Is.EqualTo(3UL));
            Assert.That(stats.Pids.Limit, Is.EqualTo(ulong.MaxValue), "\"max\"");
            Assert.That(stats.Io.ReadBytes, Is.EqualTo(1_048_576UL + 4096));
            Assert.That(stats.Io.WriteBytes, Is.EqualTo(8192UL));
            Assert.That(stats.Io.ReadOperations, Is.EqualTo(17UL + 1));
            Assert.That(stats.Io.WriteOperations, Is.EqualTo(2UL));
        });
    }

    [Test]
    public void V1Directories_KernelFormats_AreParsedWithTheRightUnits()
    {
        CgroupStatFixtures.WriteV1(_fixture);
        using var reader = CgroupStatsReader.ForV1Directories(_fixture, _fixture, _fixture, _fixture, _fixture);

        var stats = reader.Read();

        Assert.Multiple(() =>
        {
            Assert.That(stats.Memory.Usage, Is.EqualTo(3530752UL));
            Assert.That(stats.Memory.Limit, Is.EqualTo(ulong.MaxValue), "LONG_MAX rounded to a page is no limit");
            Assert.That(stats.Memory.MaxUsage, Is.EqualTo(5357568UL));
            Assert.That(stats.Memory.Anon, Is.EqualTo(1863680UL), "total_rss");
            Assert.That(stats.Memory.File, Is.EqualTo(319488UL), "total_cache");
            Assert.That(stats.Memory.OomEvents, Is.EqualTo(4UL), "failcnt");
            Assert.That(stats.Memory.OomKills, Is.EqualTo(1UL));
            Assert.That(stats.Cpu.UsageNanoseconds, Is.EqualTo(11873914706UL));
            Assert.That(stats.Cpu.UserNanoseconds, Is.EqualTo(859UL * 10_000_000), "USER_HZ ticks → ns");
            Assert.That(stats.Cpu.SystemNanoseconds, Is.EqualTo(328UL * 10_000_000));
            Assert.That(stats.Cpu.ThrottledPeriods, Is.EqualTo(9UL));
            Assert.That(stats.Cpu.ThrottledNanoseconds, Is.EqualTo(812345678UL));
            Assert.That(stats.Pids.Current, Is.EqualTo(4UL));
            Assert.That(stats.Pids.Limit, Is.EqualTo(5UL));
            Assert.That(stats.Io.ReadBytes, Is.EqualTo(4096UL + 12288));
            Assert.That(stats.Io.WriteBytes, Is.EqualTo(65536UL));
            Assert.That(stats.Io.ReadOperations, Is.EqualTo(1UL + 3));
            Assert.That(stats.Io.WriteOperations, Is.EqualTo(16UL));
        });
    }

    [Test]
    public void Reader_KeptOpenFiles_SeeNewContentsOnEveryRead()
    {
        File.WriteAllText(Path.Join(_fixture, "pids.current"), "3\n");
        using var reader = CgroupStatsReader.ForUnifiedDirectory(_fixture);
        Assert.That(reader.Files, Has.Count.EqualTo(1));
        Assert.That(reader.Read().Pids.Current, Is.EqualTo(3UL));

        // Same inode, new contents (cgroupfs regenerates on every pread at offset 0).
        using (var file = new FileStream(Path.Join(_fixture, "pids.current"), FileMode.Open, FileAccess.Write))
        {
            file.Write("12\n"u8);
        }

        Assert.That(reader.Read().Pids.Current, Is.EqualTo(12UL));
    }

    [Test]
    public void Reader_FileLargerThanTheBuffer_IsReadWhole()
    {
        var lines = string.Concat(Enumerable.Range(0, 2000).Select(i => $"8:{i} rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0\n"));
        File.WriteAllText(Path.Join(_fixture, "io.stat"), lines);
        using var reader = CgroupStatsReader.ForUnifiedDirectory(_fixture, keepOpen: false);

        var stats = reader.Read();

        Assert.That(lines.Length, Is.GreaterThan(16384));
        Assert.That(stats.Io.ReadBytes, Is.EqualTo(2000UL));
        Assert.That(stats.Io.WriteOperations, Is.EqualTo(8000UL));
    }

    [Test]
    public void UnifiedFixture_ReopeningEachRead_AllocatesNothingEither()
    {
        CgroupStatFixtures.WriteV2(_fixture);
        using var reader = CgroupStatsReader.ForUnifiedDirectory(_fixture, keepOpen: false);
        var stats = default(CgroupStats);
        for (var i = 0; i < 10; i++)
        {
            reader.Read(ref stats);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            reader.Read(ref stats);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.EqualTo(0));
        Assert.That(stats.Memory.Usage, Is.EqualTo(7213056UL));
    }
}
