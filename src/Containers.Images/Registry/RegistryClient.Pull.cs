using System.Buffers;
using System.Net;
using Containers.Errors;
using Containers.Images.Content;
using Containers.Images.Snapshots;

namespace Containers.Images.Registry;

public sealed partial class RegistryClient
{
    /// <summary>The deepest nesting of indexes a pull follows.</summary>
    internal const int MaxIndexDepth = 4;

    private const int ReadBufferSize = 256 * 1024;

    /// <summary>
    /// <c>docker pull</c>: fetches the image <paramref name="reference"/> names into
    /// <paramref name="images"/> (the manifest or index, and for the chosen platform its config and
    /// layers) and names it so: by its tag, or, pulled by digest, as <c>name@digest</c>. Blobs the
    /// store has are not fetched again. The name is set only once everything is verified and
    /// stored; a failure leaves no name and no partial blob.
    /// </summary>
    /// <exception cref="RegistryException">The registry refused a request (e.g. 404 for an unknown image, 401 without access).</exception>
    /// <exception cref="DigestMismatchException">Bytes from the registry are not the ones their digest or size promised.</exception>
    /// <exception cref="InvalidArgumentException">A document is too big, ambiguous, loops, or is not an image.</exception>
    /// <exception cref="UnavailableException">A transfer stalled or kept breaking past the retries.</exception>
    public async Task<PullResult> PullAsync(LocalImages images, ImageReference reference, PullOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(reference);
        var ingest = await images.BeginIngestAsync(cancellationToken).ConfigureAwait(false);
        await using (ingest.ConfigureAwait(false))
        {
            var result = await PullCoreAsync(images.Content, reference, options, ingest.HoldAsync, cancellationToken).ConfigureAwait(false);
            var name = reference.Digest is { } digest && reference.Tag is not null ? ImageReference.Parse($"{reference.Name}@{digest}") : reference;
            await ingest.NameAsync(result.Target, name, cancellationToken).ConfigureAwait(false);
            return result with { Reference = name };
        }
    }

    /// <summary>
    /// Fetches the image <paramref name="reference"/> names into <paramref name="content"/>
    /// without naming it anywhere: the lower half of <see cref="PullAsync(LocalImages, ImageReference, PullOptions?, CancellationToken)"/>.
    /// </summary>
    public Task<PullResult> PullAsync(IContentStore content, ImageReference reference, PullOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(reference);
        return PullCoreAsync(content, reference, options, null, cancellationToken);
    }

    private Task<PullResult> PullCoreAsync(
        IContentStore content,
        ImageReference reference,
        PullOptions? options,
        Func<IEnumerable<Digest>, CancellationToken, ValueTask>? hold,
        CancellationToken cancellationToken) =>
        OnPullEndpointsAsync(reference.Registry, endpoint => PullFromAsync(endpoint, content, reference, options ?? new PullOptions(), hold, cancellationToken), cancellationToken);

    private async Task<PullResult> PullFromAsync(
        RegistryEndpoint endpoint,
        IContentStore content,
        ImageReference reference,
        PullOptions options,
        Func<IEnumerable<Digest>, CancellationToken, ValueTask>? hold,
        CancellationToken cancellationToken)
    {
        var repository = reference.Repository;
        var root = await FetchManifestAsync(endpoint, repository, ManifestKey(reference), reference.Digest, null, null, reference.ToString(), cancellationToken).ConfigureAwait(false);
        var documents = new List<RegistryManifest> { root };
        var current = root;
        while (current.Descriptor.MediaType.IsIndex)
        {
            if (documents.Count > MaxIndexDepth)
            {
                throw new InvalidArgumentException($"image {reference} nests indexes more than {MaxIndexDepth} deep; refusing to follow it");
            }

            var what = $"index {current.Descriptor.Digest} of {reference}";
            var index = OciDocuments.ParseIndex(current.Bytes.Span, current.Descriptor.MediaType, what);
            var child = index.PickPlatform(options.Platform ?? Platform.Current, current.Descriptor.Digest);
            if (documents.Any(d => d.Descriptor.Digest == child.Digest))
            {
                throw new InvalidArgumentException($"{what} points back at {(child.Digest == current.Descriptor.Digest ? "itself" : $"index {child.Digest}, which leads to it")}; refusing to follow a loop");
            }

            current = await FetchManifestAsync(endpoint, repository, child.Digest.ToString(), child.Digest, child.Size, child.MediaType, $"{reference.Name}@{child.Digest}", cancellationToken).ConfigureAwait(false);
            documents.Add(current);
        }

        var manifestWhat = $"manifest {current.Descriptor.Digest} of {reference}";
        var manifest = OciDocuments.ParseManifest(current.Bytes.Span, current.Descriptor.MediaType, manifestWhat);
        CheckBlobs(manifest, manifestWhat);
        var blobs = new[] { manifest.Config }.Concat(manifest.Layers).DistinctBy(b => b.Digest).ToList();
        if (hold is not null)
        {
            await hold(blobs.Select(b => b.Digest).Concat(documents.Select(d => d.Descriptor.Digest)), cancellationToken).ConfigureAwait(false);
        }

        LogPulling(_logger, reference, current.Descriptor.Digest, blobs.Count, endpoint.Authority);
        var tracker = new TransferTracker<PullProgress>(options.Progress, blobs, static (b, s, bytes, total, size) => new PullProgress(b.Digest, b.MediaType, s, bytes, b.Size, total, size));
        var downloaded = 0;
        PullUnpack? unpack = null;
        if (options.UnpackInto is { } snapshotter)
        {
            // The config first: its DiffIDs name the snapshots the layers unpack into as they land.
            downloaded += await DownloadBlobAsync(endpoint, repository, manifest.Config, content, tracker, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            blobs.RemoveAll(b => b.Digest == manifest.Config.Digest);
            var refusedUnlessItMatches = documents.Count == 1 ? options.Platform : null;
            unpack = await PullUnpack.StartAsync(content, manifest, refusedUnlessItMatches, snapshotter, options.Unpacker ?? new LayerUnpacker(), _logger, $"{reference.Name}@{current.Descriptor.Digest}", cancellationToken).ConfigureAwait(false);
        }

        int? unpacked = null;
        try
        {
            await Parallel.ForEachAsync(
                blobs,
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelDownloads, CancellationToken = cancellationToken },
                async (blob, token) =>
                {
                    if (await DownloadBlobAsync(endpoint, repository, blob, content, tracker, token).ConfigureAwait(false))
                    {
                        Interlocked.Increment(ref downloaded);
                    }

                    unpack?.Stored(blob.Digest);
                }).ConfigureAwait(false);

            if (unpack is not null)
            {
                unpacked = await unpack.CompleteAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            if (unpack is not null)
            {
                await unpack.DisposeAsync().ConfigureAwait(false);
            }
        }

        // Documents last, the manifest before the index that names it: nothing names a blob before it is there.
        for (var i = documents.Count - 1; i >= 0; i--)
        {
            var document = documents[i];
            await content.WriteBlobAsync(new MemoryStream(document.Bytes.ToArray(), writable: false), document.Descriptor.Size, document.Descriptor.Digest, cancellationToken).ConfigureAwait(false);
        }

        var image = await ImageLoader.LoadImageAsync(content, current.Descriptor, cancellationToken).ConfigureAwait(false);
        if (options.Platform is { } wanted && documents.Count == 1 && !wanted.Matches(image.Config.Platform))
        {
            // A single-platform image names its platform only in its config; as Docker does, a mismatch is refused.
            throw new NotFoundException($"image {reference} is for {image.Config.Platform}, not the requested {wanted}; pull it without a platform, or choose another image");
        }
        var transferred = tracker.Transferred;
        var total = blobs.Count + (options.UnpackInto is null ? 0 : 1);
        LogPulled(_logger, reference, root.Descriptor.Digest, downloaded, total - downloaded, transferred);
        return new PullResult(reference, root.Descriptor, image, downloaded, total - downloaded, transferred) { LayersUnpacked = unpacked };
    }

    /// <summary>Refuses what no image has before anything is downloaded: a config that is not one or too big, negative sizes.</summary>
    private static void CheckBlobs(ImageManifest manifest, string what)
    {
        if (!manifest.Config.MediaType.IsConfig)
        {
            throw new InvalidArgumentException($"{what} has config media type \"{manifest.Config.MediaType}\"; it is not a container image (an artifact?), so it cannot be pulled as one");
        }

        if (manifest.Config.Size is < 0 or > OciDocuments.MaxConfigSize)
        {
            throw new InvalidArgumentException($"{what} declares a config of {manifest.Config.Size} bytes; the limit is {OciDocuments.MaxConfigSize}");
        }

        if (manifest.Layers.FirstOrDefault(l => l.Size < 0) is { } bad)
        {
            throw new InvalidArgumentException($"{what} declares layer {bad.Digest} with a negative size");
        }
    }

    /// <summary>
    /// Streams one blob into the store unless it is there: verified as it arrives (never more than
    /// its size + 1 bytes read), resumed with a <c>Range</c> request after a broken or stalled
    /// transfer, committed only when size and digest match.
    /// </summary>
    /// <returns>True when the blob was fetched, false when the store had it.</returns>
    private async Task<bool> DownloadBlobAsync(RegistryEndpoint endpoint, string repository, Descriptor blob, IContentStore content, TransferTracker<PullProgress> tracker, CancellationToken cancellationToken)
    {
        if (await content.ExistsAsync(blob.Digest, cancellationToken).ConfigureAwait(false))
        {
            tracker.Skipped(blob, BlobTransferState.Exists);
            return false;
        }

        var what = $"blob {blob.Digest} of {endpoint.Authority}/{repository}";
        var writer = await content.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            writer.PrepareFor(blob.Digest);
            for (var failures = 0; ; failures++)
            {
                try
                {
                    if (!await ReceiveBlobAsync(endpoint, repository, blob, writer, tracker, what, cancellationToken).ConfigureAwait(false))
                    {
                        // The registry sent the whole blob again instead of the rest: start over.
                        await writer.DisposeAsync().ConfigureAwait(false);
                        writer = await content.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
                        writer.PrepareFor(blob.Digest);
                        tracker.Retrying(blob, 0);
                        failures--;
                        continue;
                    }

                    break;
                }
                catch (Exception e) when (IsBrokenTransfer(e) && failures < _options.RetryCount && !cancellationToken.IsCancellationRequested)
                {
                    var delay = RetryHandler.Backoff(failures, _options.RetryDelay, _options.MaxRetryDelay);
                    LogResuming(_logger, blob.Digest, writer.Written, blob.Size, e.Message, failures + 1, _options.RetryCount, delay);
                    tracker.Retrying(blob, writer.Written);
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
            }

            await writer.CommitAsync(blob.Size, blob.Digest, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }

        tracker.Done(blob);
        return true;
    }

    /// <summary>
    /// One GET of a blob, from where <paramref name="writer"/> stands. Bytes past the blob's size
    /// are refused as soon as they arrive, and no read waits longer than the stall timeout.
    /// </summary>
    /// <returns>False when the registry ignored the range and the writer must start over.</returns>
    private async Task<bool> ReceiveBlobAsync(RegistryEndpoint endpoint, string repository, Descriptor blob, IContentWriter writer, TransferTracker<PullProgress> tracker, string what, CancellationToken cancellationToken)
    {
        var offset = writer.Written;
        if (offset == blob.Size && offset > 0)
        {
            return true;
        }

        using var stall = new StallGuard(_options.StallTimeout, _time, cancellationToken);
        try
        {
            stall.Arm();
            var uri = await ApiUriAsync(endpoint, $"{repository}/blobs/{blob.Digest}", stall.Token).ConfigureAwait(false);
            using var response = await SendOkAsync(
                HttpMethod.Get,
                uri,
                uri.Authority,
                PullScope(repository),
                r =>
                {
                    if (offset > 0)
                    {
                        r.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(offset, null);
                    }
                },
                "pull blob",
                $"{endpoint.Authority}/{repository}@{blob.Digest}",
                stall.Token).ConfigureAwait(false);
            if (offset > 0 && (response.StatusCode != HttpStatusCode.PartialContent || response.Content.Headers.ContentRange?.From != offset))
            {
                return false;
            }

            var remaining = blob.Size - offset;
            if (response.Content.Headers.ContentLength is { } length && length != remaining)
            {
                throw new DigestMismatchException(
                    $"{what}: the registry announces {length} bytes but the descriptor declares {remaining} bytes{(offset > 0 ? $" from byte {offset}" : string.Empty)}; refusing it, nothing was kept",
                    $"{remaining} bytes",
                    $"{length} bytes");
            }

            CheckContentDigest(response, blob.Digest, [], what);
            var stream = await response.Content.ReadAsStreamAsync(stall.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
                try
                {
                    while (true)
                    {
                        // Never more than one byte past the declared size: enough to know the registry sends too much.
                        var want = (int)Math.Min(ReadBufferSize, blob.Size - writer.Written + 1);
                        stall.Arm();
                        var read = await stream.ReadAsync(buffer.AsMemory(0, want), stall.Token).ConfigureAwait(false);
                        if (read == 0)
                        {
                            break;
                        }

                        if (writer.Written + read > blob.Size)
                        {
                            throw new DigestMismatchException(
                                $"{what}: the registry sends more than the {blob.Size} bytes the descriptor declares; refusing it, nothing was kept",
                                $"{blob.Size} bytes",
                                "more");
                        }

                        await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        tracker.Advance(blob, read);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception e) when (stall.Stalled(e))
        {
            throw stall.Error(what, $" after {writer.Written} of {blob.Size} bytes");
        }

        if (writer.Written < blob.Size)
        {
            throw new IOException($"{what}: the transfer ended after {writer.Written} of {blob.Size} bytes");
        }

        return true;
    }

    /// <summary>A transfer that broke on the way (and may resume), as opposed to one that delivered the wrong thing.</summary>
    private static bool IsBrokenTransfer(Exception exception) => exception switch
    {
        HttpRequestException http => RetryHandler.IsTransient(http),
        IOException or UnavailableException => true,
        RegistryException registry => RetryHandler.IsTransient(registry.StatusCode),
        _ => false,
    };
}
