using System.Net;
using System.Net.Http.Headers;
using Containers.Errors;

namespace Containers.Images.Registry;

public sealed partial class RegistryClient
{
    /// <summary>The header a registry may send with a document or blob's digest; we only ever check it.</summary>
    internal const string ContentDigestHeader = "Docker-Content-Digest";

    /// <summary>
    /// Fetches the manifest or index <paramref name="reference"/> names (by tag or digest), from
    /// the registry or, for Docker Hub, its mirrors first. By digest, the bytes must hash to it;
    /// by tag, the document is described by the digest of its own bytes.
    /// </summary>
    /// <exception cref="RegistryException">The registry refused (404 when there is no such manifest).</exception>
    /// <exception cref="DigestMismatchException">The bytes are not the ones asked for, or the registry's digest header lies.</exception>
    /// <exception cref="InvalidArgumentException">The document is too big, ambiguous, or neither a manifest nor an index.</exception>
    public async Task<RegistryManifest> GetManifestAsync(ImageReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return await OnPullEndpointsAsync(
            reference.Registry,
            endpoint => FetchManifestAsync(endpoint, reference.Repository, ManifestKey(reference), reference.Digest, null, null, reference.ToString(), cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes the manifest <paramref name="reference"/> names from the registry (<c>DELETE</c>
    /// by digest; a tag is first resolved to the digest of its manifest, so every tag of that
    /// manifest goes too). Registries may refuse deletion (405 or <c>UNSUPPORTED</c>).
    /// </summary>
    /// <returns>The digest of the deleted manifest.</returns>
    public async Task<Digest> DeleteManifestAsync(ImageReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var endpoint = _endpoints.ForPush(reference.Registry);
        var digest = reference.Digest
            ?? (await FetchManifestAsync(endpoint, reference.Repository, ManifestKey(reference), null, null, null, reference.ToString(), cancellationToken).ConfigureAwait(false)).Descriptor.Digest;
        var uri = await ApiUriAsync(endpoint, $"{reference.Repository}/manifests/{digest}", cancellationToken).ConfigureAwait(false);
        using var response = await SendOkAsync(HttpMethod.Delete, uri, uri.Authority, PushScope(reference.Repository), null, "delete manifest", $"{reference.Name}@{digest}", cancellationToken).ConfigureAwait(false);
        LogDeleted(_logger, reference.Name, digest);
        return digest;
    }

    /// <summary>The tag or digest a reference asks a registry for (a digest wins over a tag, as Docker does).</summary>
    internal static string ManifestKey(ImageReference reference) => reference.Digest?.ToString() ?? reference.Tag ?? "latest";

    /// <summary>The URI of an API path (after <c>/v2/</c>) at an endpoint.</summary>
    internal async Task<Uri> ApiUriAsync(RegistryEndpoint endpoint, string path, CancellationToken cancellationToken) =>
        new(await BaseUriAsync(endpoint, cancellationToken).ConfigureAwait(false), "/v2/" + path);

    /// <summary>
    /// Runs <paramref name="operation"/> against each pull endpoint of <paramref name="registry"/>
    /// in turn: a mirror that fails in any way (unreachable, refusing, or serving what does not
    /// verify) is passed over (logged), the registry itself is final.
    /// </summary>
    internal async Task<T> OnPullEndpointsAsync<T>(string registry, Func<RegistryEndpoint, Task<T>> operation, CancellationToken cancellationToken)
    {
        var endpoints = _endpoints.ForPull(registry);
        for (var i = 0; ; i++)
        {
            try
            {
                return await operation(endpoints[i]).ConfigureAwait(false);
            }
            catch (Exception e) when (endpoints[i].IsMirror && i < endpoints.Count - 1 && !cancellationToken.IsCancellationRequested
                && e is ContainersException or HttpRequestException or IOException)
            {
                LogMirrorFailed(_logger, endpoints[i].Authority, e.Message);
            }
        }
    }

    /// <summary>
    /// Fetches one manifest or index and checks it: size limit (read at most limit + 1 bytes),
    /// one kind of document only, the media type it was expected as, the digest it was asked by,
    /// and the registry's digest header (only ever as a check).
    /// </summary>
    internal async Task<RegistryManifest> FetchManifestAsync(
        RegistryEndpoint endpoint,
        string repository,
        string key,
        Digest? expected,
        long? expectedSize,
        MediaType? expectedType,
        string shown,
        CancellationToken cancellationToken)
    {
        if (expectedSize > _options.MaxManifestSize)
        {
            throw new InvalidArgumentException($"manifest {shown} is declared as {expectedSize} bytes, over the limit of {_options.MaxManifestSize}; refusing it");
        }

        var uri = await ApiUriAsync(endpoint, $"{repository}/manifests/{key}", cancellationToken).ConfigureAwait(false);
        var limit = expectedSize is { } size ? (int)Math.Min(size, _options.MaxManifestSize) : _options.MaxManifestSize;
        using var stall = new StallGuard(_options.StallTimeout, _time, cancellationToken);
        HttpResponseMessage response;
        byte[] bytes;
        try
        {
            stall.Arm();
            response = await SendOkAsync(HttpMethod.Get, uri, uri.Authority, PullScope(repository), r => Accept(r, ManifestTypes), "pull manifest", shown, stall.Token).ConfigureAwait(false);
            try
            {
                bytes = await BoundedRead.ReadAtMostAsync(response.Content, limit, stall.Token, stall).ConfigureAwait(false);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
        catch (Exception e) when (stall.Stalled(e))
        {
            throw stall.Error($"manifest {shown} from {endpoint.Authority}", string.Empty);
        }

        using var disposing = response;
        if (bytes.Length > limit)
        {
            throw expectedSize is { } declared && declared < _options.MaxManifestSize
                ? new DigestMismatchException($"manifest {shown} from {endpoint.Authority} is longer than the {declared} bytes its descriptor declares; refusing it", $"{declared} bytes", "more")
                : new InvalidArgumentException(
                    $"manifest {shown} from {endpoint.Authority} is over the limit of {_options.MaxManifestSize} bytes{(response.Content.Headers.ContentLength is { } length ? $" (Content-Length {length})" : string.Empty)}; refusing it (raise RegistryOptions.MaxManifestSize if it is genuine)");
        }

        var what = $"manifest {shown} from {endpoint.Authority}";
        var mediaType = MediaTypeOf(bytes, response.Content.Headers.ContentType, expectedType, what);
        var actual = Digest.Compute(bytes, expected?.Algorithm);
        if (expected is { } wanted && actual != wanted)
        {
            throw new DigestMismatchException($"{what} hashes to {actual}, not the {wanted} it was asked by; refusing it", wanted.ToString(), actual.ToString());
        }

        if (expectedSize is { } exact && bytes.Length != exact)
        {
            throw new DigestMismatchException($"{what} is {bytes.Length} bytes, not the {exact} its descriptor declares; refusing it", $"{exact} bytes", $"{bytes.Length} bytes");
        }

        CheckContentDigest(response, actual, bytes, what);
        return new RegistryManifest(new Descriptor { MediaType = mediaType, Digest = actual, Size = bytes.Length }, bytes);
    }

    /// <summary>
    /// Uploads a manifest or index under <paramref name="key"/> (a tag or its digest). The
    /// registry's digest header, if sent, must be the document's digest.
    /// </summary>
    /// <returns>True when the registry said it processed the manifest's subject (<c>OCI-Subject</c>).</returns>
    internal async Task<bool> PutManifestAsync(RegistryEndpoint endpoint, string repository, string key, Descriptor descriptor, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var uri = await ApiUriAsync(endpoint, $"{repository}/manifests/{key}", cancellationToken).ConfigureAwait(false);
        var shown = $"{endpoint.Authority}/{repository}:{key}";
        using var response = await SendOkAsync(
            HttpMethod.Put,
            uri,
            uri.Authority,
            PushScope(repository),
            r =>
            {
                r.Content = new ReadOnlyMemoryContent(bytes);
                r.Content.Headers.ContentType = new MediaTypeHeaderValue(descriptor.MediaType.Essence);
            },
            "push manifest",
            shown,
            cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            LogUnexpectedStatus(_logger, "push manifest", shown, (int)response.StatusCode);
        }

        CheckContentDigest(response, descriptor.Digest, bytes.Span, $"manifest {shown}");
        return Header(response, "OCI-Subject") is not null;
    }

    /// <summary>
    /// The media type of a fetched document. Its own <c>mediaType</c> (or, without one, its
    /// fields) decides; an ambiguous document, a <c>Content-Type</c> of the other kind, or a type
    /// other than the one a parent descriptor promised, is refused.
    /// </summary>
    private static MediaType MediaTypeOf(ReadOnlySpan<byte> bytes, MediaTypeHeaderValue? contentType, MediaType? expected, string what)
    {
        var detected = OciDocuments.DetectMediaType(bytes, what);
        var served = contentType?.MediaType is { Length: > 0 } header ? new MediaType(header) : (MediaType?)null;
        if (!detected.IsManifest && !detected.IsIndex)
        {
            throw new InvalidArgumentException($"{what} has media type \"{detected}\", which is neither an image manifest nor an index (Docker schema 1 is not supported)");
        }

        // A document without mediaType is detected as OCI; a registry's Docker type of the same kind is as good.
        var mediaType = served is { } s && (s.IsManifest || s.IsIndex) && s.IsIndex == detected.IsIndex && !HasMediaTypeField(bytes) ? s : detected;
        if (served is { } type && (type.IsManifest || type.IsIndex) && type.IsIndex != mediaType.IsIndex)
        {
            throw new InvalidArgumentException($"{what} was served as \"{type}\" but is a {(mediaType.IsIndex ? "index" : "manifest")} (\"{mediaType}\"); refusing an ambiguous document");
        }

        if (expected is { } promised && (promised.IsManifest || promised.IsIndex) && promised != mediaType)
        {
            throw new InvalidArgumentException($"{what} is \"{mediaType}\" but its descriptor promised \"{promised}\"; refusing it");
        }

        return mediaType;
    }

    /// <summary>True when the document's top-level object has a <c>mediaType</c> (descriptors inside have their own).</summary>
    private static bool HasMediaTypeField(ReadOnlySpan<byte> bytes)
    {
        var reader = new System.Text.Json.Utf8JsonReader(bytes, new System.Text.Json.JsonReaderOptions { MaxDepth = 32 });
        reader.Read();
        while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("mediaType"u8))
            {
                return true;
            }

            reader.Read();
            reader.Skip();
        }

        return false;
    }

    /// <summary>
    /// Checks a <c>Docker-Content-Digest</c> header against what was received: it is never
    /// believed, only compared, and a header that disagrees is an error.
    /// </summary>
    /// <param name="content">The bytes, when in memory, to check a header of another algorithm; empty otherwise.</param>
    internal static void CheckContentDigest(HttpResponseMessage response, Digest actual, ReadOnlySpan<byte> content, string what)
    {
        if (Header(response, ContentDigestHeader) is not { } header)
        {
            return;
        }

        if (!Digest.TryParse(header, out var claimed))
        {
            throw new InvalidArgumentException($"{what}: the registry sent a malformed {ContentDigestHeader} header \"{Shorten(header)}\"; refusing the response");
        }

        var compared = claimed.Algorithm == actual.Algorithm ? actual
            : content.IsEmpty ? (Digest?)null
            : Digest.Compute(content, claimed.Algorithm);
        if (compared is { } mine && mine != claimed)
        {
            throw new DigestMismatchException(
                $"{what}: the registry's {ContentDigestHeader} header says {claimed} but the content is {mine}; the registry is lying or broken, refusing the response",
                claimed.ToString(),
                mine.ToString());
        }
    }

    private static string Shorten(string text) => text.Length > 100 ? text[..100] + "…" : text;
}
