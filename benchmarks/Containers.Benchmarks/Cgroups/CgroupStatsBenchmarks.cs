using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Containers.Cgroups;

namespace Containers.Benchmarks.Cgroups;

/// <summary>
/// One full stats read: memory, cpu, pids and io. V1 reads a real cgroup on this host with a
/// <c>sleep</c> process in it (memory, cpu, cpuacct, pids, blkio: 13 files); V2 reads a cgroup v2
/// fixture directory in /dev/shm (9 files in the kernel's formats), since this host's unified
/// hierarchy has no controllers. KeepOpen compares one pread per file on descriptors kept open
/// with open/read/close per file.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class CgroupStatsBenchmarks
{
    private Cgroup? _cgroup;
    private Process? _process;
    private CgroupStatsReader _v1 = null!;
    private CgroupStatsReader _v2 = null!;
    private string _fixture = string.Empty;
    private CgroupStats _stats;

    [Params(true, false)]
    public bool KeepOpen { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _cgroup = Cgroup.Create(CgroupLayout.Current, CgroupPath.Parse("containers-bench-stats-" + Environment.ProcessId), new CgroupResources { PidsMax = 10 });
        _process = Process.Start("sleep", "3600");
        _cgroup.AddProcess(_process.Id);
        _v1 = CgroupStatsReader.For(_cgroup, KeepOpen);

        _fixture = Directory.CreateDirectory(Path.Join("/dev/shm", "containers-bench-v2-" + Environment.ProcessId)).FullName;
        Containers.Core.Tests.Cgroups.CgroupStatFixtures.WriteV2(_fixture);
        _v2 = CgroupStatsReader.ForUnifiedDirectory(_fixture, KeepOpen);
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _v1.Dispose();
        _v2.Dispose();
        _process?.Kill();
        _process?.WaitForExit();
        _process?.Dispose();
        _cgroup?.DeleteAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        _cgroup?.Dispose();
        Directory.Delete(_fixture, recursive: true);
    }

    [Benchmark]
    public ulong ReadV1()
    {
        _v1.Read(ref _stats);
        return _stats.Memory.Usage;
    }

    [Benchmark]
    public ulong ReadV2Fixture()
    {
        _v2.Read(ref _stats);
        return _stats.Memory.Usage;
    }
}
