using BenchmarkDotNet.Attributes;
using Containers.Cgroups;
using Containers.Images;
using Containers.Images.Engine;
using Containers.Images.Layers;
using Containers.Runtime;
using Containers.Runtime.Builtin;
using Containers.Runtime.Spec;

namespace Containers.Benchmarks.Engine;

/// <summary>
/// <c>docker run --rm IMAGE /bin/true</c> end to end, against <c>runc run</c> on an equivalent
/// bundle (busybox-static as the rootfs, <c>runc spec</c>'s namespaces: pid, network, ipc, uts and
/// mount, and a new cgroup). The engine's run includes what runc is spared: preparing and mounting
/// the container's writable overlay snapshot, writing its spec and log, and removing it all after.
/// The image's layer is unpacked once, in setup, as an image pulled earlier would be.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class EngineRunBenchmarks
{
    private const string Runc = "/usr/sbin/runc";
    private const string CgroupParent = "containers-bench-engine";

    private string root = null!;
    private string bundle = null!;
    private string runcRoot = null!;
    private string stateRoot = null!;
    private ContainerEngine engine = null!;
    private BuiltinRuntime runtime = null!;
    private IImage image = null!;
    private string engineRoot = null!;
    private string? cli;

    [GlobalSetup]
    public async Task Setup()
    {
        if (!File.Exists(Runc))
        {
            throw new InvalidOperationException("engine runs are measured against runc; apt-get install runc");
        }

        var busybox = File.Exists("/bin/busybox") ? "/bin/busybox" : throw new InvalidOperationException("apt-get install busybox-static");
        root = Directory.CreateTempSubdirectory("bench-engine-").FullName;
        var tree = Path.Combine(root, "tree");
        foreach (var sub in new[] { "bin", "proc", "sys", "dev", "tmp", "etc" })
        {
            Directory.CreateDirectory(Path.Combine(tree, sub));
        }

        File.Copy(busybox, Path.Combine(tree, "bin", "busybox"));
        File.CreateSymbolicLink(Path.Combine(tree, "bin", "true"), "busybox");
        File.WriteAllText(Path.Combine(tree, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        var layer = await TarballLayer.FromDirectoryAsync(tree, Path.Combine(root, "layer.tar"), LayerCompression.None);
        image = Mutate.SetCmd(Mutate.AppendLayers(Image.Empty(), layer), "/bin/true");

        // runc's bundle: the same tree, runc's own default spec.
        bundle = Path.Combine(root, "bundle");
        Directory.CreateDirectory(bundle);
        Directory.Move(tree, Path.Combine(bundle, "rootfs"));
        var spec = OciSpecDefaults.Create();
        OciSpecs.Save(spec with
        {
            Process = spec.Process! with { Terminal = false, Args = ["/bin/true"] },
            Linux = spec.Linux! with { CgroupsPath = CgroupParent + "/runc" },
        }, bundle);

        runcRoot = Path.Combine("/run", $"containers-bench-runc-{Environment.ProcessId}");
        Directory.CreateDirectory(runcRoot);
        stateRoot = Path.Combine("/run", $"containers-bench-engine-{Environment.ProcessId}");
        runtime = new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = stateRoot, CgroupParent = CgroupParent });
        // No network, as runc's bundle: a namespace of its own with only lo.
        engineRoot = Path.Combine(root, "engine");
        engine = new ContainerEngine(new EngineOptions { Root = engineRoot, DefaultNetwork = "none" }, runtime);

        // The CLI finds the image by name in the same root's local images.
        var images = new LocalImages(engineRoot);
        await images.AddAsync(image, ImageReference.Parse("bench:latest"));
        cli = ChildProcess.FindCli();

        // Unpack once: later runs find the layer's snapshot, as they would after a pull.
        var warm = await engine.RunAsync(new ContainerRunSpec(image));
        await engine.WaitAsync(warm.Id);
        await engine.RemoveAsync(warm.Id);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await engine.DisposeAsync();
        await runtime.DisposeAsync();
        LayerApplier.DeleteTree(root);
        Directory.Delete(runcRoot, recursive: true);
        if (Directory.Exists(stateRoot))
        {
            // The runtime's state root, emptied as its containers went.
            Directory.Delete(stateRoot, recursive: true);
        }
        using var parent = Cgroup.Open(CgroupLayout.Current, CgroupPath.Parse(CgroupParent));
        await parent.DeleteAsync(TimeSpan.FromSeconds(10));
    }

    [Benchmark(Baseline = true, Description = "runc run")]
    public int RuncRun() => ChildProcess.Run(Runc, "--root", runcRoot, "run", "--bundle", bundle, "bench");

    [Benchmark(Description = "engine: run, wait, remove (library)")]
    public async Task<int> EngineRun()
    {
        var info = await engine.RunAsync(new ContainerRunSpec(image));
        var exit = await engine.WaitAsync(info.Id);
        await engine.RemoveAsync(info.Id);
        return exit.ExitCode;
    }

    [Benchmark(Description = "containers run --rm (NativeAOT)")]
    public int Cli() => ChildProcess.Run(
        cli ?? throw new InvalidOperationException("publish the NativeAOT CLI first: dotnet publish src/Containers.Cli -c Release -r linux-x64 -o artifacts/containers"),
        "--root", engineRoot, "--bridge", "none", "run", "--rm", "bench:latest", "/bin/true");
}
