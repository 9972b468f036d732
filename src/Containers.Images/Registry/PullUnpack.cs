using Containers.Errors;
using Containers.Images.Content;
using Containers.Images.Snapshots;
using Microsoft.Extensions.Logging;

namespace Containers.Images.Registry;

/// <summary>
/// A pull's unpacking, alongside its downloads: layer <c>i</c> is applied into the snapshot of its
/// ChainID as soon as it is stored and layer <c>i - 1</c> is applied, while later layers still
/// download. Best effort: a failure is logged and leaves the rest to the image's first run, which
/// unpacks what is missing.
/// </summary>
internal sealed partial class PullUnpack : IAsyncDisposable
{
    private readonly Dictionary<Digest, TaskCompletionSource> _stored = [];
    private readonly CancellationTokenSource _abandon;
    private readonly ILogger _logger;
    private readonly Task<int?> _run;

    private PullUnpack(IContentProvider content, IReadOnlyList<Descriptor> layers, IReadOnlyList<Digest> diffIds, ISnapshotter snapshotter, LayerUnpacker unpacker, ILogger logger, CancellationToken cancellationToken)
    {
        _logger = logger;
        _abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        foreach (var layer in layers)
        {
            _stored.TryAdd(layer.Digest, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        _run = RunAsync(content, layers, diffIds, snapshotter, unpacker, _abandon.Token);
    }

    /// <summary>
    /// Starts unpacking <paramref name="manifest"/>'s layers once its config (already stored) names
    /// their DiffIDs; null, having logged why, when the config cannot say (the pull itself reports a
    /// bad config when it reads the image back), and null too for an image of another platform than
    /// <paramref name="platform"/>, which the pull is about to refuse.
    /// </summary>
    public static async Task<PullUnpack?> StartAsync(IContentProvider content, ImageManifest manifest, Platform? platform, ISnapshotter snapshotter, LayerUnpacker unpacker, ILogger logger, string what, CancellationToken cancellationToken)
    {
        IReadOnlyList<Digest> diffIds;
        try
        {
            var raw = await content.ReadBlobAsync(manifest.Config, OciDocuments.MaxConfigSize, cancellationToken).ConfigureAwait(false);
            var config = OciDocuments.ParseConfig(raw, $"config of {what}");
            if (platform is not null && !platform.Matches(config.Platform))
            {
                return null;
            }

            diffIds = config.RootFs.DiffIds;
        }
        catch (ContainersException e)
        {
            Log.NotUnpacking(logger, what, e.Message);
            return null;
        }

        if (diffIds.Count != manifest.Layers.Count || diffIds.Count == 0)
        {
            Log.LayersUndeclared(logger, what, manifest.Layers.Count, diffIds.Count);
            return null;
        }

        return new PullUnpack(content, manifest.Layers, diffIds, snapshotter, unpacker, logger, cancellationToken);
    }

    /// <summary>Says that the blob <paramref name="digest"/> is stored, and verified.</summary>
    public void Stored(Digest digest)
    {
        if (_stored.TryGetValue(digest, out var stored))
        {
            stored.TrySetResult();
        }
    }

    /// <summary>Waits for the unpacking to end, every layer having been stored: the layers it applied, or null when it failed.</summary>
    public Task<int?> CompleteAsync() => _run;

    /// <summary>Stops the unpacking (the pull failed or ended) and waits for it; a layer half applied is discarded.</summary>
    public async ValueTask DisposeAsync()
    {
        await _abandon.CancelAsync().ConfigureAwait(false);
        await ((Task)_run).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _abandon.Dispose();
    }

    private async Task<int?> RunAsync(IContentProvider content, IReadOnlyList<Descriptor> layers, IReadOnlyList<Digest> diffIds, ISnapshotter snapshotter, LayerUnpacker unpacker, CancellationToken cancellationToken)
    {
        // Off the caller's thread: the constructor returns before the first wait.
        await Task.Yield();
        var chain = ChainId.Compute(diffIds);
        var applied = 0;
        try
        {
            for (var i = 0; i < layers.Count; i++)
            {
                await _stored[layers[i].Digest].Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                var layer = new ContentLayer(content, layers[i], diffIds[i]);
                if (await unpacker.UnpackLayerAsync(snapshotter, layer, chain[i], i == 0 ? null : chain[i - 1], cancellationToken).ConfigureAwait(false) is not null)
                {
                    applied++;
                }
            }

            return applied;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is ContainersException or IOException or UnauthorizedAccessException)
        {
            Log.UnpackFailed(_logger, chain[^1], e);
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2615, Level = LogLevel.Information, Message = "Not unpacking {What} during the pull: {Reason}; its first run will")]
        public static partial void NotUnpacking(ILogger logger, string what, string reason);

        [LoggerMessage(EventId = 2617, Level = LogLevel.Information, Message = "Not unpacking {What} during the pull: it has {Layers} layers and its config declares {DiffIds} DiffIDs; its first run will say more")]
        public static partial void LayersUndeclared(ILogger logger, string what, int layers, int diffIds);

        [LoggerMessage(EventId = 2616, Level = LogLevel.Warning, Message = "Unpacking image {ChainId} during the pull failed; its first run will unpack what is missing")]
        public static partial void UnpackFailed(ILogger logger, Digest chainId, Exception error);
    }
}
