using System.Net;
using System.Net.Http.Headers;
using Containers.Errors;
using Containers.Images.Content;

namespace Containers.Images.Registry;

public sealed partial class RegistryClient
{
    /// <summary>
    /// <c>docker push</c>: sends the local image named <paramref name="reference"/> to the registry
    /// and repository the name says, under its tag (or, named by digest only, by digest). Blobs
    /// the registry has are not sent again.
    /// </summary>
    /// <exception cref="NotFoundException">No local image has that name, or a blob of it is missing.</exception>
    /// <exception cref="RegistryException">The registry refused a request.</exception>
    public async Task<PushResult> PushAsync(LocalImages images, ImageReference reference, PushOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(reference);
        var target = await LocalTargetAsync(images, reference, cancellationToken).ConfigureAwait(false);
        return await PushAsync(images.Content, target, reference, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Pushes the manifest or index <paramref name="target"/> and every blob it reaches in
    /// <paramref name="content"/> to <paramref name="destination"/>: blobs first (skipping those
    /// the registry has, mounting from <see cref="PushOptions.MountFrom"/> where it can,
    /// uploading in one PUT or in chunks), then manifests, children before the index that names them.
    /// </summary>
    public async Task<PushResult> PushAsync(IContentProvider content, Descriptor target, ImageReference destination, PushOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(destination);
        options ??= new PushOptions();
        var root = options.Platform is { } platform && target.MediaType.IsIndex
            ? (await ImageLoader.LoadImageForPlatformAsync(content, target, platform, cancellationToken).ConfigureAwait(false)).Descriptor
            : target;
        if (destination.Digest is { } digest && digest != root.Digest)
        {
            throw new InvalidArgumentException($"cannot push {root.Digest} as {destination}: a reference with a digest names that digest only");
        }

        var endpoint = _endpoints.ForPush(destination.Registry);
        var repository = destination.Repository;
        var (documents, blobs) = await PlanPushAsync(content, root, destination, cancellationToken).ConfigureAwait(false);
        LogPushing(_logger, destination, root.Digest, blobs.Count, endpoint.Authority);
        var tracker = new TransferTracker<PushProgress>(options.Progress, blobs, static (b, s, bytes, total, size) => new PushProgress(b.Digest, b.MediaType, s, bytes, b.Size, total, size));
        var counts = new int[Enum.GetValues<BlobTransferState>().Length];
        await Parallel.ForEachAsync(
            blobs,
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelUploads, CancellationToken = cancellationToken },
            async (blob, token) =>
            {
                var state = await UploadBlobAsync(endpoint, repository, blob, content, options.MountFrom, tracker, token).ConfigureAwait(false);
                Interlocked.Increment(ref counts[(int)state]);
            }).ConfigureAwait(false);

        foreach (var document in documents)
        {
            var isRoot = ReferenceEquals(document, documents[^1]);
            var key = isRoot ? destination.Tag ?? document.Descriptor.Digest.ToString() : document.Descriptor.Digest.ToString();
            var subjectProcessed = await PutManifestAsync(endpoint, repository, key, document.Descriptor, document.Bytes, cancellationToken).ConfigureAwait(false);
            if (isRoot && destination.Tag is not null && destination.Digest is null)
            {
                LogTagged(_logger, destination, document.Descriptor.Digest);
            }

            if (document.Subject is { } subject && !subjectProcessed)
            {
                await AddToReferrersTagAsync(endpoint, repository, subject, ReferrerDescriptor(document), cancellationToken).ConfigureAwait(false);
            }
        }

        var transferred = tracker.Transferred;
        var result = new PushResult(destination, root, counts[(int)BlobTransferState.Done], counts[(int)BlobTransferState.Exists], counts[(int)BlobTransferState.Mounted], transferred);
        LogPushed(_logger, destination, root.Digest, result.BlobsUploaded, result.BlobsPresent, result.BlobsMounted, transferred);
        return result;
    }

    /// <summary>True when the repository <paramref name="repository"/> names (its registry and path) has the blob (<c>HEAD</c>).</summary>
    public async Task<bool> BlobExistsAsync(ImageReference repository, Digest digest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return await BlobExistsAsync(_endpoints.ForPush(repository.Registry), repository.Repository, digest, PullScope(repository.Repository), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The manifest or index a local name points at; a <c>name@digest</c> may also be found under another name of the repository.</summary>
    private static async Task<Descriptor> LocalTargetAsync(LocalImages images, ImageReference reference, CancellationToken cancellationToken)
    {
        try
        {
            return (await images.Names.GetAsync(reference, cancellationToken).ConfigureAwait(false)).Target;
        }
        catch (NotFoundException) when (reference.Digest is { } digest)
        {
            await foreach (var record in images.Names.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                if (record.Target.Digest == digest && ImageReference.TryParse(record.Name, out var name) && name.Name == reference.Name)
                {
                    return record.Target;
                }
            }

            throw;
        }
    }

    /// <summary>
    /// What to push for <paramref name="root"/>: its documents, children before parents (the root
    /// last), and the distinct blobs they name. A manifest an index names must be in the store;
    /// a non-distributable layer with URLs stays behind, as Docker leaves foreign layers.
    /// </summary>
    private async Task<(List<PushDocument> Documents, List<Descriptor> Blobs)> PlanPushAsync(IContentProvider content, Descriptor root, ImageReference destination, CancellationToken cancellationToken)
    {
        var documents = new List<PushDocument>();
        var blobs = new List<Descriptor>();
        var seen = new HashSet<Digest>();
        await VisitAsync(root, 0).ConfigureAwait(false);
        return (documents, blobs);

        async Task VisitAsync(Descriptor descriptor, int depth)
        {
            if (!seen.Add(descriptor.Digest))
            {
                return;
            }

            if (depth > MaxIndexDepth)
            {
                throw new InvalidArgumentException($"image {root.Digest} nests indexes more than {MaxIndexDepth} deep; refusing to push it");
            }

            byte[] bytes;
            try
            {
                bytes = await content.ReadBlobAsync(descriptor, _options.MaxManifestSize, cancellationToken).ConfigureAwait(false);
            }
            catch (NotFoundException e) when (depth > 0)
            {
                throw new NotFoundException(
                    $"cannot push {destination}: the manifest {descriptor.Digest}{(descriptor.Platform is { } p ? $" for {p}" : string.Empty)} of index {root.Digest} is not in the local store (only some platforms were pulled?); push one platform, or pull all of them first",
                    e);
            }

            var what = $"{descriptor.MediaType} {descriptor.Digest}";
            if (descriptor.MediaType.IsIndex)
            {
                var index = OciDocuments.ParseIndex(bytes, descriptor.MediaType, what);
                foreach (var child in index.Manifests)
                {
                    if (child.MediaType.IsManifest || child.MediaType.IsIndex)
                    {
                        await VisitAsync(child, depth + 1).ConfigureAwait(false);
                    }
                    else if (seen.Add(child.Digest))
                    {
                        blobs.Add(child);
                    }
                }

                documents.Add(new PushDocument(descriptor, bytes, index.Subject, index.ArtifactType, index.Annotations));
                return;
            }

            var manifest = OciDocuments.ParseManifest(bytes, descriptor.MediaType, what);
            foreach (var blob in manifest.Layers.Prepend(manifest.Config))
            {
                if (seen.Add(blob.Digest) && !(blob.MediaType.IsNondistributable && blob.Urls is { Count: > 0 }))
                {
                    blobs.Add(blob);
                }
            }

            documents.Add(new PushDocument(descriptor, bytes, manifest.Subject, manifest.ArtifactType ?? manifest.Config.MediaType.Essence, manifest.Annotations));
        }
    }

    /// <summary>One blob to the registry: nothing if it is there, a mount if another repository has it, else an upload (retried whole if it breaks).</summary>
    private async Task<BlobTransferState> UploadBlobAsync(RegistryEndpoint endpoint, string repository, Descriptor blob, IContentProvider content, IReadOnlyList<string> mountFrom, TransferTracker<PushProgress> tracker, CancellationToken cancellationToken)
    {
        var shown = $"{endpoint.Authority}/{repository}@{blob.Digest}";
        if (await BlobExistsAsync(endpoint, repository, blob.Digest, PushScope(repository), cancellationToken).ConfigureAwait(false))
        {
            tracker.Skipped(blob, BlobTransferState.Exists);
            return BlobTransferState.Exists;
        }

        Uri? session = null;
        foreach (var from in mountFrom.Where(f => !string.Equals(f, repository, StringComparison.Ordinal)))
        {
            session = await MountAsync(endpoint, repository, from, blob, shown, cancellationToken).ConfigureAwait(false);
            if (session is null)
            {
                LogMounted(_logger, blob.Digest, from, repository);
                tracker.Skipped(blob, BlobTransferState.Mounted);
                return BlobTransferState.Mounted;
            }

            // 202: the registry could not mount, and opened an upload instead.
            break;
        }

        for (var failures = 0; ; failures++)
        {
            try
            {
                session ??= await StartUploadAsync(endpoint, repository, shown, cancellationToken).ConfigureAwait(false);
                if (_options.ChunkSize > 0 && blob.Size > _options.ChunkSize)
                {
                    await UploadChunkedAsync(endpoint, repository, session, blob, content, tracker, shown, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await UploadMonolithicAsync(endpoint, repository, session, blob, content, tracker, shown, cancellationToken).ConfigureAwait(false);
                }

                break;
            }
            catch (Exception e) when (IsBrokenTransfer(e) && failures < _options.RetryCount && !cancellationToken.IsCancellationRequested)
            {
                var delay = RetryHandler.Backoff(failures, _options.RetryDelay, _options.MaxRetryDelay);
                LogUploadRetry(_logger, blob.Digest, e.Message, failures + 1, _options.RetryCount, delay);
                tracker.Retrying(blob, 0);
                session = null;
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }

        tracker.Done(blob);
        return BlobTransferState.Done;
    }

    private async Task<bool> BlobExistsAsync(RegistryEndpoint endpoint, string repository, Digest digest, string scope, CancellationToken cancellationToken)
    {
        var uri = await ApiUriAsync(endpoint, $"{repository}/blobs/{digest}", cancellationToken).ConfigureAwait(false);
        using var response = await SendAsync(HttpMethod.Head, uri, uri.Authority, scope, null, "check blob", $"{endpoint.Authority}/{repository}@{digest}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await RegistryException.FromResponseAsync(response, "check blob", $"{endpoint.Authority}/{repository}@{digest}", cancellationToken).ConfigureAwait(false);
        }

        CheckContentDigest(response, digest, [], $"blob {digest} of {endpoint.Authority}/{repository}");
        return true;
    }

    /// <summary>Asks the registry to mount the blob from <paramref name="from"/>; null when it did (201), else the upload it opened instead (202).</summary>
    private async Task<Uri?> MountAsync(RegistryEndpoint endpoint, string repository, string from, Descriptor blob, string shown, CancellationToken cancellationToken)
    {
        var uri = await ApiUriAsync(endpoint, $"{repository}/blobs/uploads/?mount={Uri.EscapeDataString(blob.Digest.ToString())}&from={Uri.EscapeDataString(from)}", cancellationToken).ConfigureAwait(false);
        using var response = await SendOkAsync(HttpMethod.Post, uri, uri.Authority, $"{PushScope(repository)} {PullScope(from)}", r => r.Content = new ByteArrayContent([]), "mount blob", shown, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            CheckContentDigest(response, blob.Digest, [], $"blob {shown}");
            return null;
        }

        return UploadLocation(response, shown);
    }

    /// <summary>Opens an upload session (<c>POST …/blobs/uploads/</c>, 202 with a Location).</summary>
    private async Task<Uri> StartUploadAsync(RegistryEndpoint endpoint, string repository, string shown, CancellationToken cancellationToken)
    {
        var uri = await ApiUriAsync(endpoint, $"{repository}/blobs/uploads/", cancellationToken).ConfigureAwait(false);
        using var response = await SendOkAsync(HttpMethod.Post, uri, uri.Authority, PushScope(repository), r => r.Content = new ByteArrayContent([]), "start upload", shown, cancellationToken).ConfigureAwait(false);
        return UploadLocation(response, shown);
    }

    /// <summary>The whole blob in one <c>PUT &lt;location&gt;?digest=</c>.</summary>
    private async Task UploadMonolithicAsync(RegistryEndpoint endpoint, string repository, Uri session, Descriptor blob, IContentProvider content, TransferTracker<PushProgress> tracker, string shown, CancellationToken cancellationToken)
    {
        var body = new BlobContent(content, blob, sent => tracker.Advance(blob, sent), () => tracker.Retrying(blob, 0));
        using var response = await SendOkAsync(HttpMethod.Put, WithDigest(session, blob.Digest), Registry(endpoint, session), PushScope(repository), r => r.Content = body, "upload blob", shown, cancellationToken).ConfigureAwait(false);
        CheckUploaded(response, blob, shown);
    }

    /// <summary>The blob in <see cref="RegistryOptions.ChunkSize"/> pieces (<c>PATCH</c> with <c>Content-Range</c>), then <c>PUT ?digest=</c> to close.</summary>
    private async Task UploadChunkedAsync(RegistryEndpoint endpoint, string repository, Uri session, Descriptor blob, IContentProvider content, TransferTracker<PushProgress> tracker, string shown, CancellationToken cancellationToken)
    {
        var registry = Registry(endpoint, session);
        var chunk = new byte[(int)Math.Min(_options.ChunkSize, Math.Min(blob.Size, Array.MaxLength))];
        var location = session;
        long offset = 0;
        var source = await content.OpenReadAsync(blob.Digest, blob.Size, cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            while (true)
            {
                var filled = await source.ReadAtLeastAsync(chunk, chunk.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (filled == 0)
                {
                    break;
                }

                var end = offset + filled - 1;
                var piece = new ByteArrayContent(chunk, 0, filled);
                piece.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                piece.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{end}");
                using var response = await SendOkAsync(new HttpMethod("PATCH"), location, registry, PushScope(repository), r => r.Content = piece, "upload blob chunk", shown, cancellationToken).ConfigureAwait(false);
                location = UploadLocation(response, shown);
                if (Header(response, "Range") is { } range && !range.EndsWith($"-{end}", StringComparison.Ordinal))
                {
                    throw new InvalidArgumentException($"upload of {shown}: after bytes {offset}-{end} the registry reports range \"{range}\"; it lost part of the upload");
                }

                offset += filled;
                tracker.Advance(blob, filled);
            }
        }

        using var closed = await SendOkAsync(HttpMethod.Put, WithDigest(location, blob.Digest), registry, PushScope(repository), r => r.Content = new ByteArrayContent([]), "finish upload", shown, cancellationToken).ConfigureAwait(false);
        CheckUploaded(closed, blob, shown);
    }

    /// <summary>The registry a request to an upload location is for: the endpoint's, wherever the location points.</summary>
    private static string Registry(RegistryEndpoint endpoint, Uri session) =>
        new Uri($"{session.Scheme}://{endpoint.Authority}/").Authority;

    private void CheckUploaded(HttpResponseMessage response, Descriptor blob, string shown)
    {
        if (response.StatusCode != HttpStatusCode.Created)
        {
            LogUnexpectedStatus(_logger, "upload blob", shown, (int)response.StatusCode);
        }

        CheckContentDigest(response, blob.Digest, [], $"blob {shown}");
    }

    /// <summary>Where an upload continues: the response's Location, resolved against the request.</summary>
    private static Uri UploadLocation(HttpResponseMessage response, string shown)
    {
        if (response.Headers.Location is not { } location)
        {
            throw new InvalidArgumentException($"upload of {shown}: the registry answered {(int)response.StatusCode} without a Location for the upload");
        }

        var resolved = location.IsAbsoluteUri ? location : new Uri(response.RequestMessage!.RequestUri!, location);
        return resolved.Scheme is "http" or "https"
            ? resolved
            : throw new InvalidArgumentException($"upload of {shown}: the registry sent upload location \"{resolved.Scheme}:\", which is not HTTP");
    }

    /// <summary>The upload location with <c>digest=</c> added to its query.</summary>
    private static Uri WithDigest(Uri location, Digest digest)
    {
        var builder = new UriBuilder(location);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length == 0 ? string.Empty : query + "&") + "digest=" + Uri.EscapeDataString(digest.ToString());
        return builder.Uri;
    }
}
