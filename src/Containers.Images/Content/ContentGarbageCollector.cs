using Containers.Images.Content.Local;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Images.Content;

/// <summary>
/// Mark and sweep over the content store. Roots are every named image and every blob held by a
/// lease that has not expired. From an image it follows indexes to manifests, and manifests to
/// their config, layers and subject. Blobs committed after the collection began are kept, so a
/// writer that has not named its image yet is never robbed.
/// </summary>
public sealed partial class ContentGarbageCollector
{
    private readonly IContentStore _content;
    private readonly IImageStore _images;
    private readonly ILeaseManager _leases;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ContentGarbageCollector(IContentStore content, IImageStore images, ILeaseManager leases, TimeProvider? timeProvider = null, ILogger<ContentGarbageCollector>? logger = null)
    {
        _content = content ?? throw new ArgumentNullException(nameof(content));
        _images = images ?? throw new ArgumentNullException(nameof(images));
        _leases = leases ?? throw new ArgumentNullException(nameof(leases));
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<ContentGarbageCollector>.Instance;
    }

    public async ValueTask<GarbageCollectionResult> CollectAsync(CancellationToken cancellationToken = default)
    {
        var started = _time.GetUtcNow();
        var live = new HashSet<Digest>();
        var pending = new Stack<Descriptor>();

        await foreach (var image in _images.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            pending.Push(image.Target);
        }

        var expired = 0;
        await foreach (var lease in _leases.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (lease.IsExpired(started))
            {
                await _leases.DeleteAsync(lease.Id, cancellationToken).ConfigureAwait(false);
                expired++;
                continue;
            }

            live.UnionWith(lease.Resources);
        }

        while (pending.Count > 0)
        {
            var descriptor = pending.Pop();
            if (!live.Add(descriptor.Digest) || !(descriptor.MediaType.IsManifest || descriptor.MediaType.IsIndex))
            {
                continue;
            }

            foreach (var child in await ChildrenAsync(descriptor, cancellationToken).ConfigureAwait(false))
            {
                pending.Push(child);
            }
        }

        var removed = new List<Digest>();
        long freed = 0;
        var kept = 0;
        await foreach (var info in _content.WalkAsync(cancellationToken).ConfigureAwait(false))
        {
            if (live.Contains(info.Digest) || info.CommittedAt >= started)
            {
                kept++;
                continue;
            }

            await _content.DeleteAsync(info.Digest, cancellationToken).ConfigureAwait(false);
            removed.Add(info.Digest);
            freed += info.Size;
        }

        var ingests = _content is LocalContentStore local ? local.SweepStaleIngests() : 0;
        LogCollected(_logger, removed.Count, freed, kept, expired);
        return new GarbageCollectionResult(removed, freed, kept, expired, ingests);
    }

    private async ValueTask<IEnumerable<Descriptor>> ChildrenAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        if (!await _content.ExistsAsync(descriptor.Digest, cancellationToken).ConfigureAwait(false))
        {
            // A named image whose manifest is missing keeps nothing; it is reported, not fatal.
            LogMissing(_logger, descriptor.Digest);
            return [];
        }

        var (children, subject) = await ContentTree.LinksAsync(_content, descriptor, cancellationToken).ConfigureAwait(false);
        return subject is null ? children : children.Append(subject);
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Garbage collection removed {Removed} blobs ({Bytes} bytes), kept {Kept}, ended {Leases} expired leases")]
    private static partial void LogCollected(ILogger logger, int removed, long bytes, int kept, int leases);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Garbage collection found a named image whose blob {Digest} is missing")]
    private static partial void LogMissing(ILogger logger, Digest digest);
}
