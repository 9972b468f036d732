using BenchmarkDotNet.Attributes;
using Containers.Cgroups;
using Containers.Images;
using Containers.Images.Build;
using Containers.Images.Engine;
using Containers.Images.Layers;
using Containers.Images.Layout;
using Containers.Runtime;
using Containers.Runtime.Builtin;

namespace Containers.Benchmarks.Build;

/// <summary>
/// <c>docker build</c> of one corpus case (25-multi-stage-app: three stages, two RUNs, four COPYs),
/// cold (<c>--no-cache</c>: every step runs and writes its layer) against warm (nothing changed:
/// every step from the cache, no container, no layer), and the same Dockerfile through
/// <c>buildah bud</c> (chroot isolation, vfs storage of its own), without and with its layer cache.
/// The base image is in each store before the first run, as after a pull.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class BuildBenchmarks
{
    private const string Buildah = "/usr/bin/buildah";
    private const string CgroupParent = "containers-bench-build";
    private const string Case = "25-multi-stage-app";

    private static readonly string[] Applets =
    [
        "sh", "echo", "cat", "id", "sleep", "test", "touch", "ls", "pwd", "env", "true", "false", "stat", "ln", "mkdir",
        "grep", "seq", "tr", "head", "tail", "cut", "rm", "wc", "printf",
    ];

    private string root = null!;
    private string context = null!;
    private string buildahRoot = null!;
    private string stateRoot = null!;
    private BuiltinRuntime runtime = null!;
    private ContainerEngine engine = null!;
    private DockerfileBuilder builder = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var busybox = File.Exists("/bin/busybox") ? "/bin/busybox" : throw new InvalidOperationException("apt-get install busybox-static");
        root = Directory.CreateTempSubdirectory("bench-build-").FullName;
        var tree = Path.Combine(root, "tree");
        foreach (var sub in new[] { "bin", "proc", "sys", "dev", "tmp", "etc", "root" })
        {
            Directory.CreateDirectory(Path.Combine(tree, sub));
        }

        File.Copy(busybox, Path.Combine(tree, "bin", "busybox"));
        foreach (var applet in Applets)
        {
            File.CreateSymbolicLink(Path.Combine(tree, "bin", applet), "busybox");
        }

        File.WriteAllText(Path.Combine(tree, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n");
        File.WriteAllText(Path.Combine(tree, "etc", "group"), "root:x:0:\nnogroup:x:65534:\n");
        var layer = await TarballLayer.FromDirectoryAsync(tree, Path.Combine(root, "layer.tar"), LayerCompression.None);
        var image = Mutate.SetCmd(Mutate.AppendLayers(Image.Empty(), layer), "sh", "-c", "echo hello");

        context = Path.Combine(AppContext.BaseDirectory, "Build", "Corpus", Case);
        stateRoot = Path.Combine("/run", $"containers-bench-build-{Environment.ProcessId}");
        runtime = new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = stateRoot, CgroupParent = CgroupParent });
        var engineRoot = Path.Combine(root, "engine");
        engine = new ContainerEngine(new EngineOptions { Root = engineRoot, DefaultNetwork = "none" }, runtime);
        var images = new LocalImages(engineRoot);
        await images.AddAsync(image, ImageReference.Parse("busybox"));
        builder = new DockerfileBuilder(engine, images);

        // One build fills the cache for the warm runs (and unpacks the base, as a pulled image's run would).
        await builder.BuildAsync(Request(noCache: false));

        if (File.Exists(Buildah))
        {
            buildahRoot = Path.Combine(root, "buildah");
            var archive = Path.Combine(root, "busybox.tar");
            await OciArchive.WriteAsync(archive, [(image, "docker.io/library/busybox:latest")]);
            RunBuildah("pull", "--quiet", $"oci-archive:{archive}");
            RunBuildah(BuildahBud(layers: true));
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await engine.DisposeAsync();
        await runtime.DisposeAsync();
        LayerApplier.DeleteTree(root);
        if (Directory.Exists(stateRoot))
        {
            // The runtime's state root, emptied as its containers went.
            Directory.Delete(stateRoot, recursive: true);
        }
        using var parent = Cgroup.Open(CgroupLayout.Current, CgroupPath.Parse(CgroupParent));
        await parent.DeleteAsync(TimeSpan.FromSeconds(10));
    }

    [Benchmark(Baseline = true, Description = "cold build (--no-cache)")]
    public Task<BuildResult> Cold() => builder.BuildAsync(Request(noCache: true));

    [Benchmark(Description = "warm rebuild (nothing changed)")]
    public Task<BuildResult> Warm() => builder.BuildAsync(Request(noCache: false));

    [Benchmark(Description = "buildah bud (no layer cache)")]
    public int BuildahCold() => RunBuildah(BuildahBud(layers: false));

    [Benchmark(Description = "buildah bud --layers (warm)")]
    public int BuildahWarm() => RunBuildah(BuildahBud(layers: true));

    private BuildRequest Request(bool noCache) => new() { ContextDirectory = context, Tags = ["bench:latest"], NoCache = noCache };

    private string[] BuildahBud(bool layers) =>
        ["bud", "--isolation", "chroot", "--format", "docker", "--pull-never", $"--layers={(layers ? "true" : "false")}", "-t", "bench", context];

    private int RunBuildah(params string[] args)
    {
        if (buildahRoot is null)
        {
            throw new InvalidOperationException("the side-by-side needs buildah; apt-get install buildah");
        }

        return ChildProcess.Run(Buildah, ["--root", Path.Combine(buildahRoot, "root"), "--runroot", Path.Combine(buildahRoot, "runroot"), "--storage-driver", "vfs", .. args]);
    }
}
