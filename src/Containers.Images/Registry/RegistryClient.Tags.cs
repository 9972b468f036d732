using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Containers.Errors;
using Containers.Images.Json;

namespace Containers.Images.Registry;

public sealed partial class RegistryClient
{
    /// <summary>The most bytes of one page of a list (tags, referrers) read.</summary>
    internal const int MaxListPageSize = 16 * 1024 * 1024;

    /// <summary>The most pages of one list followed.</summary>
    internal const int MaxListPages = 10_000;

    /// <summary>The longest tag (the fallback referrers tag is cut to it).</summary>
    private const int MaxTagLength = 128;

    /// <summary>
    /// The tags of the repository <paramref name="repository"/> names (its tag or digest are
    /// ignored), following the registry's pagination (<c>Link: &lt;…&gt;; rel="next"</c>).
    /// </summary>
    /// <param name="pageSize">Tags per page to ask for (<c>n</c>); null leaves it to the registry.</param>
    public async IAsyncEnumerable<string> ListTagsAsync(ImageReference repository, int? pageSize = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (pageSize is < 1)
        {
            throw new InvalidArgumentException($"a tag page size must be at least 1, not {pageSize}");
        }

        var endpoint = _endpoints.ForPush(repository.Registry);
        var uri = await ApiUriAsync(endpoint, $"{repository.Repository}/tags/list{(pageSize is { } n ? $"?n={n}" : string.Empty)}", cancellationToken).ConfigureAwait(false);
        var registry = uri.Authority;
        var visited = new HashSet<string>(StringComparer.Ordinal);
        while (uri is not null)
        {
            CheckPage(visited, uri, "tag list", repository.Name);
            TagList page;
            using (var response = await SendOkAsync(HttpMethod.Get, uri, registry, PullScope(repository.Repository), null, "list tags", repository.Name, cancellationToken).ConfigureAwait(false))
            {
                page = ParseList(await BoundedRead.ReadAtMostAsync(response.Content, MaxListPageSize, cancellationToken).ConfigureAwait(false), RegistryJsonContext.Default.TagList, $"tag list of {repository.Name}");
                uri = LinkHeader.Next(response, uri);
            }

            foreach (var tag in page.Tags ?? [])
            {
                yield return tag;
            }
        }
    }

    /// <summary>
    /// Puts the manifest <paramref name="source"/> names under another tag of the same repository,
    /// in the registry itself (no blobs move).
    /// </summary>
    /// <returns>The manifest's descriptor.</returns>
    public async Task<Descriptor> TagAsync(ImageReference source, string tag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var target = source.WithTag(tag);
        var endpoint = _endpoints.ForPush(source.Registry);
        var manifest = await FetchManifestAsync(endpoint, source.Repository, ManifestKey(source), source.Digest, null, null, source.ToString(), cancellationToken).ConfigureAwait(false);
        await PutManifestAsync(endpoint, source.Repository, tag, manifest.Descriptor, manifest.Bytes, cancellationToken).ConfigureAwait(false);
        LogTagged(_logger, target, manifest.Descriptor.Digest);
        return manifest.Descriptor;
    }

    /// <summary>
    /// The manifests that refer to <paramref name="subject"/> (signatures, SBOMs, attestations),
    /// through the referrers API, or, where the registry lacks it (404), the fallback tag
    /// <c>&lt;alg&gt;-&lt;hex&gt;</c> of the distribution spec.
    /// </summary>
    /// <param name="subject">The image; a tag is resolved to its manifest's digest first.</param>
    /// <param name="artifactType">Only referrers of this artifact type; null for all.</param>
    public async Task<IReadOnlyList<Descriptor>> GetReferrersAsync(ImageReference subject, string? artifactType = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var endpoint = _endpoints.ForPush(subject.Registry);
        var digest = subject.Digest
            ?? (await FetchManifestAsync(endpoint, subject.Repository, ManifestKey(subject), null, null, null, subject.ToString(), cancellationToken).ConfigureAwait(false)).Descriptor.Digest;
        var shown = $"{subject.Name}@{digest}";
        var query = artifactType is null ? string.Empty : $"?artifactType={Uri.EscapeDataString(artifactType)}";
        var uri = await ApiUriAsync(endpoint, $"{subject.Repository}/referrers/{digest}{query}", cancellationToken).ConfigureAwait(false);
        var registry = uri.Authority;
        var referrers = new List<Descriptor>();
        var filtered = true;
        var visited = new HashSet<string>(StringComparer.Ordinal);
        while (uri is not null)
        {
            CheckPage(visited, uri, "referrers list", shown);
            using var response = await SendAsync(HttpMethod.Get, uri, registry, PullScope(subject.Repository), r => Accept(r, [MediaType.OciIndex]), "list referrers", shown, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound && referrers.Count == 0 && visited.Count == 1)
            {
                return await ReferrersFromTagAsync(endpoint, subject.Repository, digest, artifactType, shown, cancellationToken).ConfigureAwait(false);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw await RegistryException.FromResponseAsync(response, "list referrers", shown, cancellationToken).ConfigureAwait(false);
            }

            var bytes = await BoundedRead.ReadAtMostAsync(response.Content, MaxListPageSize, cancellationToken).ConfigureAwait(false);
            CheckListSize(bytes, $"referrers of {shown}");
            referrers.AddRange(OciDocuments.ParseIndex(bytes, MediaType.OciIndex, $"referrers of {shown}").Manifests);
            filtered &= Header(response, "OCI-Filters-Applied")?.Contains("artifactType", StringComparison.Ordinal) == true;
            uri = LinkHeader.Next(response, uri);
        }

        return artifactType is null || filtered ? referrers : [.. referrers.Where(r => r.ArtifactType == artifactType)];
    }

    /// <summary>The fallback tag of a subject's referrers: <c>&lt;alg&gt;-&lt;hex&gt;</c>, cut to the longest tag.</summary>
    internal static string ReferrersTag(Digest subject)
    {
        var tag = $"{subject.Algorithm.Name}-{subject.Hex}";
        return tag.Length > MaxTagLength ? tag[..MaxTagLength] : tag;
    }

    private async Task<IReadOnlyList<Descriptor>> ReferrersFromTagAsync(RegistryEndpoint endpoint, string repository, Digest subject, string? artifactType, string shown, CancellationToken cancellationToken)
    {
        var index = await ReferrersIndexAsync(endpoint, repository, subject, shown, cancellationToken).ConfigureAwait(false);
        return [.. (index?.Manifests ?? []).Where(m => artifactType is null || m.ArtifactType == artifactType)];
    }

    /// <summary>The index under a subject's fallback referrers tag; null when there is none.</summary>
    private async Task<ImageIndex?> ReferrersIndexAsync(RegistryEndpoint endpoint, string repository, Digest subject, string shown, CancellationToken cancellationToken)
    {
        RegistryManifest fetched;
        try
        {
            fetched = await FetchManifestAsync(endpoint, repository, ReferrersTag(subject), null, null, null, $"referrers tag of {shown}", cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return fetched.Descriptor.MediaType.IsIndex
            ? OciDocuments.ParseIndex(fetched.Bytes.Span, fetched.Descriptor.MediaType, $"referrers tag of {shown}")
            : throw new InvalidArgumentException($"the referrers tag {ReferrersTag(subject)} of {shown} is a manifest, not an index; refusing to use or update it");
    }

    /// <summary>
    /// Adds a pushed manifest to its subject's fallback referrers tag, for a registry that did not
    /// process the subject itself (no <c>OCI-Subject</c> header).
    /// </summary>
    private async Task AddToReferrersTagAsync(RegistryEndpoint endpoint, string repository, Descriptor subject, Descriptor referrer, CancellationToken cancellationToken)
    {
        var shown = $"{endpoint.Authority}/{repository}@{subject.Digest}";
        var existing = await ReferrersIndexAsync(endpoint, repository, subject.Digest, shown, cancellationToken).ConfigureAwait(false);
        if (existing?.Manifests.Any(m => m.Digest == referrer.Digest) == true)
        {
            return;
        }

        var index = new ImageIndex
        {
            MediaType = MediaType.OciIndex,
            Manifests = [.. existing?.Manifests ?? [], referrer],
            Annotations = existing?.Annotations,
        };
        var bytes = OciDocuments.Serialize(index);
        var tag = ReferrersTag(subject.Digest);
        await PutManifestAsync(endpoint, repository, tag, Descriptor.For(MediaType.OciIndex, bytes), bytes, cancellationToken).ConfigureAwait(false);
        LogReferrersTag(_logger, tag, referrer.Digest);
    }

    /// <summary>How a referrer is listed: its type, digest and size, artifact type and annotations.</summary>
    private static Descriptor ReferrerDescriptor(PushDocument document) => new()
    {
        MediaType = document.Descriptor.MediaType,
        Digest = document.Descriptor.Digest,
        Size = document.Descriptor.Size,
        ArtifactType = document.ArtifactType,
        Annotations = document.Annotations,
    };

    private static void CheckPage(HashSet<string> visited, Uri uri, string what, string shown)
    {
        if (!visited.Add(uri.ToString()) || visited.Count > MaxListPages)
        {
            throw new InvalidArgumentException($"the {what} of {shown} loops or has more than {MaxListPages} pages; refusing to follow it further");
        }
    }

    private static void CheckListSize(byte[] bytes, string what)
    {
        if (bytes.Length > MaxListPageSize)
        {
            throw new InvalidArgumentException($"a page of the {what} is over {MaxListPageSize} bytes; refusing it");
        }
    }

    private static T ParseList<T>(byte[] bytes, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, string what)
    {
        CheckListSize(bytes, what);
        try
        {
            return JsonSerializer.Deserialize(bytes, info) ?? throw new InvalidArgumentException($"the {what} is JSON null");
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"the {what} is not valid JSON: {e.Message}", e);
        }
    }
}
