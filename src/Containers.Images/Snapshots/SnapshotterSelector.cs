using System.Collections.Concurrent;
using Containers.Errors;
using Containers.Images.Snapshots.Native;
using Containers.Images.Snapshots.Overlay;
using Containers.Linux;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Images.Snapshots;

/// <summary>
/// Chooses the snapshotter for a root: overlay where this process can mount an overlay whose
/// upper directory is on the root's filesystem (probed once per directory, with a tiny mount in a
/// temporary directory there), the copying native one otherwise.
/// </summary>
public static partial class SnapshotterSelector
{
    private static readonly ConcurrentDictionary<string, bool> Probed = new(StringComparer.Ordinal);

    /// <summary>The snapshotter <paramref name="options"/> name, or the best one for its root.</summary>
    /// <exception cref="InvalidArgumentException">The options name a snapshotter that does not exist.</exception>
    public static ISnapshotter Select(SnapshotterOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        var root = Path.GetFullPath(options.Root ?? Path.Combine(ContainersPaths.DefaultRoot, "snapshots"));
        var name = options.Snapshotter;
        if (name is null)
        {
            name = IsOverlaySupported(root) ? "overlay" : "native";
            Log.Selected(logger, name, root);
        }

        return name switch
        {
            "overlay" => new OverlaySnapshotter(Path.Combine(root, "overlay"), timeProvider),
            "native" => new NativeSnapshotter(Path.Combine(root, "native"), timeProvider),
            _ => throw new InvalidArgumentException($"snapshotter \"{name}\" does not exist; use \"overlay\" or \"native\""),
        };
    }

    /// <summary>Whether an overlay with its upper directory under <paramref name="directory"/> mounts; the answer is kept for the process.</summary>
    public static bool IsOverlaySupported(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return Probed.GetOrAdd(Path.GetFullPath(directory), Probe);
    }

    private static bool Probe(string directory)
    {
        Directory.CreateDirectory(directory);
        // Directory.CreateTempSubdirectory only makes directories in the system's temp directory
        // (its prefix may hold no separator); the probe must be on the root's own filesystem.
        var scratch = Directory.CreateDirectory(Path.Combine(directory, $".probe-{Guid.NewGuid():N}")).FullName;
        try
        {
            var lower = Directory.CreateDirectory(Path.Combine(scratch, "lower")).FullName;
            var upper = Directory.CreateDirectory(Path.Combine(scratch, "upper")).FullName;
            var work = Directory.CreateDirectory(Path.Combine(scratch, "work")).FullName;
            var merged = Directory.CreateDirectory(Path.Combine(scratch, "merged")).FullName;
            try
            {
                PosixFs.Mount("overlay", merged, "overlay", 0, $"lowerdir={lower},upperdir={upper},workdir={work}");
            }
            catch (ContainersException)
            {
                return false;
            }

            PosixFs.Unmount(merged, LibC.MNT_DETACH);
            return true;
        }
        finally
        {
            Layers.LayerApplier.DeleteTree(scratch);
        }
    }
}
