using Containers.Images.Layers.Apply;
using Containers.Linux;

namespace Containers.Benchmarks.Layers;

/// <summary>
/// Where the layer suites keep their files: everything under one base directory,
/// <c>/var/tmp/containers-bench</c> (or <c>$CONTAINERS_BENCH_DIR</c>). The generated trees, layers,
/// layouts and bundles are cached in <c>&lt;base&gt;/&lt;Version&gt;/</c> and kept between runs, since
/// building them takes minutes; per-run scratch lives in <c>&lt;base&gt;/scratch/</c> and is removed
/// by the suites' GlobalCleanup. <c>rm -rf</c> the base directory to reclaim the space (about 10 GB).
/// </summary>
internal static class BenchDirectories
{
    /// <summary>Bump when the generator or a fixture changes, so stale caches are not reused.</summary>
    public const string Version = "layers-v1";

    public static string Base { get; } = Environment.GetEnvironmentVariable("CONTAINERS_BENCH_DIR") is { Length: > 0 } custom
        ? Path.GetFullPath(custom)
        : "/var/tmp/containers-bench";

    public static string Cache => Path.Combine(Base, Version);

    /// <summary>
    /// The cached artifact <paramref name="name"/>, built by <paramref name="build"/> into a
    /// <c>.partial</c> path and renamed into place when it is complete, so an interrupted build is
    /// redone rather than reused.
    /// </summary>
    public static string GetOrBuild(string name, Action<string> build)
    {
        var path = Path.Combine(Cache, name);
        if (Path.Exists(path))
        {
            return path;
        }

        Directory.CreateDirectory(Cache);
        var partial = path + ".partial";
        RemoveTree(partial);
        Console.WriteLine($"// building the cached {name} in {path} (once; later runs reuse it)");
        var started = System.Diagnostics.Stopwatch.StartNew();
        build(partial);
        Directory.Move(partial, path);
        Console.WriteLine($"// built {name} in {started.Elapsed.TotalSeconds:F1} s");
        return path;
    }

    /// <summary>A new, empty scratch directory for one benchmark process.</summary>
    public static string NewScratch(string suite)
    {
        var path = Path.Combine(Base, "scratch", $"{suite}-{Environment.ProcessId}");
        RemoveTree(path);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Removes a tree without following symlinks; nothing happens when it does not exist.</summary>
    public static void RemoveTree(string path)
    {
        var full = Path.GetFullPath(path);
        var parentPath = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(parentPath))
        {
            return;
        }

        using var parent = PosixFs.OpenDirectory(parentPath);
        LayerExtractor.RemoveTree(parent, Path.GetFileName(full));
    }

    /// <summary>
    /// Writes back the file system that holds the base directory (syncfs), so that no iteration
    /// pays for the writeback of the one before it.
    /// </summary>
    public static void SyncFileSystem() => Tool.Run("sync", "-f", Base);
}
