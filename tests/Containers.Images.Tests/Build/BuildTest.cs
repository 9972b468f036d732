using Containers.Images.Build;
using Containers.Images.Engine;
using Containers.Images.Snapshots;
using Containers.Images.Tests.Engine;
using Containers.Processes;

namespace Containers.Images.Tests.Build;

/// <summary>
/// A builder on the engine test's fresh root, with the test busybox image in the local store as
/// <c>busybox</c>. After each test, the test fails if a build left anything of its own: a step
/// container in the runtime, a temporary snapshot, a work directory.
/// </summary>
public abstract class BuildTest : EngineTest
{
    protected LocalImages Images { get; private set; } = null!;

    protected DockerfileBuilder Builder { get; private set; } = null!;

    [SetUp]
    public async Task CreateBuilder()
    {
        Images = new LocalImages(Root);
        await Images.AddAsync(Image, ImageReference.Parse("busybox"));
        Builder = new DockerfileBuilder(Engine, Images);
    }

    [TearDown]
    public async Task AssertBuildsLeftNothing()
    {
        if (Engine is null)
        {
            return;
        }

        var left = await BuildRemainsAsync();
        Assert.That(left, Is.Empty, "a build left something of its own behind");
    }

    /// <summary>What builds leave that they should not: step containers, temporary snapshots, work directories, mounts under the builds directory.</summary>
    protected async Task<List<string>> BuildRemainsAsync()
    {
        var left = new List<string>();
        left.AddRange((await Runtime.ListAsync()).Where(s => s.Id.StartsWith("build-", StringComparison.Ordinal)).Select(s => $"runtime container {s.Id}"));
        await foreach (var snapshot in Engine.Snapshotter.WalkAsync())
        {
            if (snapshot.Name.StartsWith("build-", StringComparison.Ordinal) || snapshot.Kind != SnapshotKind.Committed)
            {
                left.Add($"{snapshot.Kind} snapshot {snapshot.Name}");
            }
        }

        var builds = Path.Combine(Root, "builds");
        if (Directory.Exists(builds))
        {
            left.AddRange(Directory.EnumerateFileSystemEntries(builds).Select(e => $"work directory {e}"));
        }

        left.AddRange(Containers.Mounts.MountInfo.ReadSelf().Where(m => m.MountPoint.StartsWith(builds + "/", StringComparison.Ordinal)).Select(m => $"mount {m.MountPoint}"));
        return left;
    }

    /// <summary>A new build context under the test's root holding <paramref name="files"/> (relative path to text).</summary>
    protected string Context(params (string Path, string Text)[] files)
    {
        var directory = Path.Combine(Root, "contexts", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        return directory;
    }

    protected Task<BuildResult> BuildAsync(string context, IProgress<BuildProgress>? progress = null, Func<BuildRequest, BuildRequest>? configure = null)
    {
        var request = new BuildRequest { ContextDirectory = context, Tags = ["built:latest"] };
        return Builder.BuildAsync(configure?.Invoke(request) ?? request, progress);
    }

    /// <summary>Builds a corpus case from a copy of its directory, as its files say (build args, target).</summary>
    internal Task<BuildResult> BuildCaseAsync(BuildCorpusCase corpusCase, Func<BuildRequest, BuildRequest>? configure = null, IProgress<BuildProgress>? progress = null)
    {
        var context = CopyOf(corpusCase.ContextDirectory);
        var request = new BuildRequest
        {
            ContextDirectory = context,
            Tags = ["corpus:latest"],
            BuildArgs = corpusCase.BuildArgs,
            Target = corpusCase.Target,
        };
        return Builder.BuildAsync(configure?.Invoke(request) ?? request, progress);
    }

    /// <summary>A copy of a case's directory under the test's root, so that no build touches the checked-in one.</summary>
    protected string CopyOf(string directory)
    {
        var copy = Path.Combine(Root, "contexts", Guid.NewGuid().ToString("N"), Path.GetFileName(directory));
        CopyTree(directory, copy);
        return copy;
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            CopyTree(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }

    /// <summary>Runs the image's default command with no network; its exit status and output.</summary>
    protected async Task<(ExitStatus Status, string Output)> RunImageAsync(IImage image, params string[] cmd)
    {
        var (status, log, info) = await RunToEndAsync(new ContainerRunSpec(image) { Cmd = cmd.Length == 0 ? null : cmd, Network = "none" });
        await Engine.RemoveAsync(info.Id, force: true);
        return (status, log);
    }

    /// <summary>Collects progress events on the reporting thread.</summary>
    protected sealed class Recorder : IProgress<BuildProgress>
    {
        public List<BuildProgress> Events { get; } = [];

        public void Report(BuildProgress value)
        {
            lock (Events)
            {
                Events.Add(value);
            }
        }

        public IReadOnlyList<BuildProgress> Finished => [.. Events.Where(e => e.Kind == BuildProgressKind.StepFinished)];
    }
}
