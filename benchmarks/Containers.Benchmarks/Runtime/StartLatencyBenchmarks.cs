using BenchmarkDotNet.Attributes;
using Containers.Cgroups;
using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Builtin;

namespace Containers.Benchmarks.Runtime;

/// <summary>
/// Start latency, side by side on one bundle: create, exec <c>/bin/true</c>, exit, delete, with
/// new pid, mount, uts and ipc namespaces and a new cgroup. <c>runc run</c> is the baseline; ours
/// runs through the library in this process, and as the NativeAOT <c>containers runtime run</c>
/// (published to <c>artifacts/containers</c>; the suite skips it when that is missing).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class StartLatencyBenchmarks
{
    private const string Runc = "/usr/sbin/runc";
    private const string CgroupParent = "containers-bench-start";

    private BenchBundle bundle = null!;
    private BuiltinRuntime runtime = null!;
    private string stateRoot = null!;
    private string runcRoot = null!;
    private string? cli;

    [GlobalSetup]
    public void Setup()
    {
        if (!File.Exists(Runc))
        {
            throw new InvalidOperationException("start latency is measured against runc; apt-get install runc");
        }

        bundle = BenchBundle.Create(CgroupParent);
        // Both runtimes keep their state on tmpfs under /run, as they do by default.
        stateRoot = Path.Combine("/run", $"containers-bench-state-{Environment.ProcessId}");
        runcRoot = Path.Combine("/run", $"containers-bench-runc-{Environment.ProcessId}");
        Directory.CreateDirectory(stateRoot);
        Directory.CreateDirectory(runcRoot);
        runtime = new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = stateRoot });
        cli = FindCli();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        runtime.DisposeAsync().AsTask().GetAwaiter().GetResult();
        bundle.Dispose();
        Directory.Delete(stateRoot, recursive: true);
        Directory.Delete(runcRoot, recursive: true);
        using var parent = Cgroup.Open(CgroupLayout.Current, CgroupPath.Parse(CgroupParent));
        parent.DeleteAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "runc run")]
    public int RuncRun() => ChildProcess.Run(Runc, "--root", runcRoot, "run", "--bundle", bundle.Path, "bench");

    [Benchmark(Description = "library: create, start, wait, delete")]
    public async Task<int> Library()
    {
        await using var created = await runtime.CreateAsync(new ContainerCreateRequest("bench", bundle.Path) { Stdio = StdioMode.Null });
        await runtime.StartAsync("bench");
        var exit = await runtime.WaitAsync("bench");
        await runtime.DeleteAsync("bench");
        return exit.ExitCode;
    }

    [Benchmark(Description = "library: create started (run), wait, delete")]
    public async Task<int> LibraryRun()
    {
        await using var created = await runtime.CreateAsync(new ContainerCreateRequest("bench", bundle.Path) { Stdio = StdioMode.Null, StartImmediately = true });
        var exit = await runtime.WaitAsync("bench");
        await runtime.DeleteAsync("bench");
        return exit.ExitCode;
    }

    [Benchmark(Description = "containers runtime run (NativeAOT)")]
    public int Cli() => ChildProcess.Run(cli ?? throw new InvalidOperationException("publish the NativeAOT CLI first: dotnet publish src/Containers.Cli -c Release -r linux-x64 -o artifacts/containers"), "runtime", "--root", stateRoot, "run", "--bundle", bundle.Path, "bench");

    private static string? FindCli()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "artifacts", "containers", "containers");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
