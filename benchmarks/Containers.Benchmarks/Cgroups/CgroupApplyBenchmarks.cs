using BenchmarkDotNet.Attributes;
using Containers.Cgroups;

namespace Containers.Benchmarks.Cgroups;

/// <summary>
/// Resource application on this host's cgroups: a full create + apply + delete cycle (mkdir and
/// rmdir in every hierarchy, the cpuset copy, then memory, cpu, pids and blkio writes), and an
/// update alone on an existing cgroup.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class CgroupApplyBenchmarks
{
    private static readonly CgroupResources Resources = new()
    {
        Memory = new() { Limit = 256 << 20, Reservation = 128 << 20 },
        Cpu = new() { Shares = 512, Quota = 50000, Period = 100000 },
        PidsMax = 100,
    };

    private static readonly CgroupResources Update = new()
    {
        Memory = new() { Limit = 512 << 20 },
        Cpu = new() { Quota = 20000 },
        PidsMax = 200,
    };

    private Cgroup _existing = null!;
    private int _counter;

    [GlobalSetup]
    public void GlobalSetup() =>
        _existing = Cgroup.Create(CgroupLayout.Current, CgroupPath.Parse("containers-bench-update-" + Environment.ProcessId), Resources);

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _existing.DeleteAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        _existing.Dispose();
    }

    [Benchmark]
    public void CreateApplyDelete()
    {
        var cgroup = Cgroup.Create(CgroupLayout.Current, CgroupPath.Parse($"containers-bench-{Environment.ProcessId}-{_counter++}"), Resources);
        cgroup.DeleteAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
    }

    [Benchmark]
    public void UpdateOnly() => _existing.Update(Update);
}
