using System.Collections.Concurrent;
using Containers.Errors;
using Containers.Images.Layers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Images.Snapshots;

/// <summary>
/// Unpacks an image's layers into committed snapshots named by their ChainIDs, so that images
/// sharing base layers share their snapshots. Each layer is applied into a snapshot prepared on
/// top of the one below under a unique temporary key, through its mounts: through an overlay
/// mount the upper directory receives exactly the layer in overlayfs' own format (whiteouts as
/// 0:0 devices, opaque directories as <c>trusted.overlay.opaque</c>). It is then committed under
/// the ChainID; if another process committed it first, this copy is discarded. In one process,
/// concurrent unpacks of the same ChainID share one application.
/// </summary>
public sealed partial class LayerUnpacker
{
    private readonly ConcurrentDictionary<(ISnapshotter Snapshotter, string Key), Lazy<Task<LayerApplyResult?>>> _inFlight = new();
    private readonly LayerApplyOptions? _options;
    private readonly ILogger _logger;

    public LayerUnpacker(LayerApplyOptions? options = null, ILogger<LayerUnpacker>? logger = null)
    {
        _options = options;
        _logger = logger ?? NullLogger<LayerUnpacker>.Instance;
    }

    /// <summary>Makes sure every layer of <paramref name="image"/> is a committed snapshot; returns the top one.</summary>
    /// <exception cref="DigestMismatchException">A layer's DiffID is not the one the config declares.</exception>
    public async ValueTask<UnpackResult> UnpackAsync(IImage image, ISnapshotter snapshotter, IProgress<LayerApplyProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(snapshotter);
        var diffIds = image.Config.RootFs.DiffIds;
        if (diffIds.Count != image.Layers.Count || diffIds.Count == 0)
        {
            throw new InvalidArgumentException($"image {image.Digest.ToShortString()} has {image.Layers.Count} layers and its config declares {diffIds.Count} DiffIDs; an image to unpack needs at least one layer, each declared");
        }

        var chain = ChainId.Compute(diffIds);
        var applied = 0;
        for (var i = 0; i < chain.Count; i++)
        {
            var layer = image.Layers[i];
            if (layer.DiffId != diffIds[i])
            {
                throw new DigestMismatchException($"layer {i} ({layer.Digest.ToShortString()}) of image {image.Digest.ToShortString()} has DiffID {layer.DiffId} but the config declares {diffIds[i]}", diffIds[i].ToString(), layer.DiffId.ToString());
            }

            var result = await UnpackLayerAsync(snapshotter, layer, chain[i], i == 0 ? null : chain[i - 1], cancellationToken).ConfigureAwait(false);
            if (result is not null)
            {
                applied++;
                progress?.Report(new LayerApplyProgress(i, chain.Count, layer.Digest, result));
            }
        }

        return new UnpackResult(chain[^1], chain, applied);
    }

    /// <summary>
    /// Makes <paramref name="layer"/> the committed snapshot <paramref name="chainId"/> on top of
    /// <paramref name="parent"/> (which must be committed; null for a first layer), unless it is one
    /// already: one step of <see cref="UnpackAsync"/>, for a caller that gets the layers one at a
    /// time, such as a pull that unpacks while the rest downloads. Concurrent calls for one ChainID
    /// share one application.
    /// </summary>
    /// <returns>What applying it did; null when it was there already, or another got there first.</returns>
    public async ValueTask<LayerApplyResult?> UnpackLayerAsync(ISnapshotter snapshotter, ILayer layer, Digest chainId, Digest? parent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshotter);
        ArgumentNullException.ThrowIfNull(layer);
        var key = chainId.ToString();
        if (await IsCommittedAsync(snapshotter, key, cancellationToken).ConfigureAwait(false))
        {
            Log.Reused(_logger, key, snapshotter.Name);
            return null;
        }

        var work = new Lazy<Task<LayerApplyResult?>>(() => ApplyAsync(snapshotter, layer, key, parent?.ToString(), cancellationToken));
        var entry = _inFlight.GetOrAdd((snapshotter, key), work);
        try
        {
            var result = await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            return ReferenceEquals(entry, work) ? result : null;
        }
        finally
        {
            if (ReferenceEquals(entry, work))
            {
                _inFlight.TryRemove(new KeyValuePair<(ISnapshotter, string), Lazy<Task<LayerApplyResult?>>>((snapshotter, key), work));
            }
        }
    }

    private static async ValueTask<bool> IsCommittedAsync(ISnapshotter snapshotter, string key, CancellationToken cancellationToken)
    {
        try
        {
            return (await snapshotter.StatAsync(key, cancellationToken).ConfigureAwait(false)).Kind == SnapshotKind.Committed;
        }
        catch (NotFoundException)
        {
            return false;
        }
    }

    /// <summary>Applies one layer on its parent and commits it as <paramref name="key"/>; null when another got there first.</summary>
    private async Task<LayerApplyResult?> ApplyAsync(ISnapshotter snapshotter, ILayer layer, string key, string? parent, CancellationToken cancellationToken)
    {
        if (await IsCommittedAsync(snapshotter, key, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var temporary = $"unpack-{Guid.NewGuid():N} {key}";
        var mounts = await snapshotter.PrepareAsync(temporary, parent, new Dictionary<string, string>(StringComparer.Ordinal) { ["containers.unpack"] = key }, cancellationToken).ConfigureAwait(false);
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            LayerApplyResult result;
            if (mounts is [{ Type: "bind" } bind])
            {
                // Nothing below to hide: the layer goes straight into the snapshot's own tree.
                result = await LayerApplier.ApplyAsync(layer, bind.Source, _options, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                result = await ApplyMountedAsync(mounts, layer, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await snapshotter.CommitAsync(key, temporary, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
            catch (AlreadyExistsException)
            {
                Log.LostRace(_logger, key, snapshotter.Name);
                await snapshotter.RemoveAsync(temporary, CancellationToken.None).ConfigureAwait(false);
                return null;
            }

            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            Log.Applied(_logger, layer.Digest, key, snapshotter.Name, result.UncompressedBytes, elapsed);
            return result;
        }
        catch
        {
            await RemoveQuietlyAsync(snapshotter, temporary).ConfigureAwait(false);
            throw;
        }
    }

    private async ValueTask<LayerApplyResult> ApplyMountedAsync(IReadOnlyList<Mounts.Mount> mounts, ILayer layer, CancellationToken cancellationToken)
    {
        var target = Directory.CreateTempSubdirectory("containers-unpack-").FullName;
        try
        {
            SnapshotMounter.MountAll(mounts, target);
            try
            {
                return await LayerApplier.ApplyAsync(layer, target, _options, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                SnapshotMounter.UnmountAll(target);
            }
        }
        finally
        {
            Directory.Delete(target);
        }
    }

    private async ValueTask RemoveQuietlyAsync(ISnapshotter snapshotter, string key)
    {
        try
        {
            await snapshotter.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ContainersException or IOException)
        {
            Log.CleanupFailed(_logger, key, snapshotter.Name, e);
        }
    }
}
