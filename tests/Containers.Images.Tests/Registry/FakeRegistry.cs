using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Containers.Images.Tests.Registry;

/// <summary>
/// An in-process registry speaking enough of the OCI distribution API for the client's tests:
/// manifests, blobs (with ranges), uploads (monolithic, chunked, mounts), tags with pagination,
/// and optionally the referrers API. <see cref="Intercept"/> lets a test answer any request
/// itself, to play a hostile or broken server.
/// </summary>
internal sealed class FakeRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Digest, byte[]> _blobs = new();
    private readonly ConcurrentDictionary<(string Repository, Digest Digest), bool> _links = new();
    private readonly ConcurrentDictionary<(string Repository, string Reference), (string MediaType, byte[] Bytes)> _manifests = new();
    private readonly ConcurrentDictionary<string, (string Repository, MemoryStream Data)> _uploads = new();

    public FakeRegistry(bool tls = false)
    {
        Server = new FakeRegistryServer(HandleAsync, tls);
    }

    public FakeRegistryServer Server { get; }

    /// <summary><c>127.0.0.1:port</c>, the registry part of references to it.</summary>
    public string Authority => Server.Authority;

    /// <summary>Whether <c>/v2/&lt;name&gt;/referrers/&lt;digest&gt;</c> answers (a registry without it says 404).</summary>
    public bool SupportsReferrers { get; set; }

    /// <summary>Every request, in order of arrival.</summary>
    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    /// <summary>Answers a request instead of the registry when it returns a response.</summary>
    public Func<FakeRequest, FakeResponse?>? Intercept { get; set; }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    public ImageReference Reference(string repositoryAndTag) => ImageReference.Parse($"{Authority}/{repositoryAndTag}");

    public Descriptor AddBlob(string repository, byte[] bytes, MediaType? mediaType = null)
    {
        var digest = Digest.Compute(bytes);
        _blobs[digest] = bytes;
        _links[(repository, digest)] = true;
        return new Descriptor { MediaType = mediaType ?? MediaType.OciLayer, Digest = digest, Size = bytes.Length };
    }

    public Descriptor AddManifest(string repository, string? tag, MediaType mediaType, byte[] bytes)
    {
        var digest = Digest.Compute(bytes);
        _manifests[(repository, digest.ToString())] = (mediaType.Value, bytes);
        if (tag is not null)
        {
            _manifests[(repository, tag)] = (mediaType.Value, bytes);
        }

        return new Descriptor { MediaType = mediaType, Digest = digest, Size = bytes.Length };
    }

    /// <summary>Adds an image of uncompressed random layers; returns its manifest, config and layers.</summary>
    public TestRegistryImage AddImage(string repository, string? tag, params int[] layerSizes) =>
        AddImage(repository, tag, TestRegistryImage.Create(layerSizes));

    public TestRegistryImage AddImage(string repository, string? tag, TestRegistryImage image)
    {
        foreach (var (descriptor, bytes) in image.Blobs)
        {
            AddBlob(repository, bytes, descriptor.MediaType);
        }

        AddManifest(repository, tag, image.Manifest.MediaType, image.ManifestBytes);
        return image;
    }

    public bool HasBlob(string repository, Digest digest) => _links.ContainsKey((repository, digest));

    public byte[]? Manifest(string repository, string reference) =>
        _manifests.TryGetValue((repository, reference), out var entry) ? entry.Bytes : null;

    public IReadOnlyList<string> Tags(string repository) =>
        [.. _manifests.Keys.Where(k => k.Repository == repository && !k.Reference.Contains(':', StringComparison.Ordinal)).Select(k => k.Reference).Order(StringComparer.Ordinal)];

    private Task<FakeResponse> HandleAsync(FakeRequest request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        return Task.FromResult(Intercept?.Invoke(request) ?? Serve(request));
    }

    private FakeResponse Serve(FakeRequest request)
    {
        if (request.Path is "/v2/" or "/v2")
        {
            return FakeResponse.Json(200, "{}");
        }

        if (!request.Path.StartsWith("/v2/", StringComparison.Ordinal))
        {
            return new FakeResponse(404);
        }

        var rest = request.Path[4..];
        if (rest.EndsWith("/tags/list", StringComparison.Ordinal))
        {
            return ListTags(rest[..^"/tags/list".Length], request);
        }

        if (Split(rest, "/manifests/") is var (name, reference))
        {
            return ServeManifest(request, name, reference);
        }

        if (Split(rest, "/blobs/uploads") is var (uploadName, session))
        {
            return ServeUpload(request, uploadName, session.TrimStart('/'));
        }

        if (Split(rest, "/blobs/") is var (blobName, digest))
        {
            return ServeBlob(request, blobName, Digest.Parse(digest));
        }

        if (Split(rest, "/referrers/") is var (subjectName, subject))
        {
            return SupportsReferrers
                ? Referrers(subjectName, Digest.Parse(subject))
                : new FakeResponse(404, Encoding.ASCII.GetBytes("404 page not found\n"));
        }

        return FakeResponse.Error(404, "NAME_UNKNOWN", "no such route");
    }

    private static (string, string)? Split(string path, string marker)
    {
        var at = path.LastIndexOf(marker, StringComparison.Ordinal);
        return at <= 0 ? null : (path[..at], path[(at + marker.Length)..]);
    }

    private FakeResponse ServeManifest(FakeRequest request, string name, string reference)
    {
        switch (request.Method)
        {
            case "GET" or "HEAD":
                return _manifests.TryGetValue((name, reference), out var entry)
                    ? new FakeResponse(200, entry.Bytes)
                        .With("Content-Type", entry.MediaType)
                        .With("Docker-Content-Digest", Digest.Compute(entry.Bytes).ToString())
                        .With("Content-Length", entry.Bytes.Length.ToString(CultureInfo.InvariantCulture))
                    : FakeResponse.Error(404, "MANIFEST_UNKNOWN", "manifest unknown");
            case "PUT":
                var digest = Digest.Compute(request.Body);
                if (Digest.TryParse(reference, out var asked) && asked != digest)
                {
                    return FakeResponse.Error(400, "DIGEST_INVALID", "provided digest did not match uploaded content");
                }

                var mediaType = request.Header("Content-Type") ?? MediaType.OciManifest.Value;
                _manifests[(name, digest.ToString())] = (mediaType, request.Body);
                _manifests[(name, reference)] = (mediaType, request.Body);
                var created = new FakeResponse(201)
                    .With("Location", $"/v2/{name}/manifests/{digest}")
                    .With("Docker-Content-Digest", digest.ToString());
                if (SupportsReferrers && SubjectOf(request.Body) is { } subject)
                {
                    created.With("OCI-Subject", subject.ToString());
                }

                return created;
            case "DELETE":
                var removed = _manifests.Keys.Where(k => k.Repository == name && _manifests[k].Bytes is var b && Digest.Compute(b).ToString() == reference).ToList();
                foreach (var key in removed)
                {
                    _manifests.TryRemove(key, out _);
                }

                return removed.Count > 0 ? new FakeResponse(202) : FakeResponse.Error(404, "MANIFEST_UNKNOWN", "manifest unknown");
            default:
                return new FakeResponse(405);
        }
    }

    private FakeResponse ServeBlob(FakeRequest request, string name, Digest digest)
    {
        if (!_links.ContainsKey((name, digest)) || !_blobs.TryGetValue(digest, out var bytes))
        {
            return FakeResponse.Error(404, "BLOB_UNKNOWN", "blob unknown to registry");
        }

        if (request.Header("Range") is { } range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            var from = int.Parse(range["bytes=".Length..^1], CultureInfo.InvariantCulture);
            return new FakeResponse(206, bytes[from..])
                .With("Content-Range", $"bytes {from}-{bytes.Length - 1}/{bytes.Length}")
                .With("Docker-Content-Digest", digest.ToString());
        }

        return new FakeResponse(200, bytes)
            .With("Content-Type", "application/octet-stream")
            .With("Content-Length", bytes.Length.ToString(CultureInfo.InvariantCulture))
            .With("Docker-Content-Digest", digest.ToString());
    }

    private FakeResponse ServeUpload(FakeRequest request, string name, string session)
    {
        if (request.Method == "POST" && session.Length == 0)
        {
            if (request.QueryValue("mount") is { } mount && request.QueryValue("from") is { } from && _links.ContainsKey((from, Digest.Parse(mount))))
            {
                _links[(name, Digest.Parse(mount))] = true;
                return new FakeResponse(201).With("Location", $"/v2/{name}/blobs/{mount}").With("Docker-Content-Digest", mount);
            }

            var id = Guid.NewGuid().ToString("N");
            _uploads[id] = (name, new MemoryStream());
            return new FakeResponse(202).With("Location", $"/v2/{name}/blobs/uploads/{id}?_state=x").With("Range", "0-0").With("Docker-Upload-UUID", id);
        }

        if (!_uploads.TryGetValue(session, out var upload) || upload.Repository != name)
        {
            return FakeResponse.Error(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
        }

        switch (request.Method)
        {
            case "PATCH":
                if (request.Header("Content-Range") is { } contentRange && long.Parse(contentRange.Split('-')[0], CultureInfo.InvariantCulture) != upload.Data.Length)
                {
                    return FakeResponse.Error(416, "BLOB_UPLOAD_INVALID", "out of order chunk");
                }

                upload.Data.Write(request.Body);
                return new FakeResponse(202).With("Location", $"/v2/{name}/blobs/uploads/{session}?_state=y").With("Range", $"0-{upload.Data.Length - 1}");
            case "PUT":
                upload.Data.Write(request.Body);
                var bytes = upload.Data.ToArray();
                var digest = Digest.Compute(bytes);
                if (request.QueryValue("digest") is not { } asked || Digest.Parse(asked) != digest)
                {
                    return FakeResponse.Error(400, "DIGEST_INVALID", "provided digest did not match uploaded content");
                }

                _uploads.TryRemove(session, out _);
                _blobs[digest] = bytes;
                _links[(name, digest)] = true;
                return new FakeResponse(201).With("Location", $"/v2/{name}/blobs/{digest}").With("Docker-Content-Digest", digest.ToString());
            default:
                return new FakeResponse(405);
        }
    }

    private FakeResponse ListTags(string name, FakeRequest request)
    {
        var tags = Tags(name);
        if (tags.Count == 0)
        {
            return FakeResponse.Error(404, "NAME_UNKNOWN", "repository name not known to registry");
        }

        var last = request.QueryValue("last");
        var page = tags.Where(t => last is null || string.CompareOrdinal(t, last) > 0).ToList();
        var response = new FakeResponse(200);
        if (request.QueryValue("n") is { } n && int.Parse(n, CultureInfo.InvariantCulture) is var size && page.Count > size)
        {
            page = page[..size];
            response.With("Link", $"</v2/{name}/tags/list?n={size}&last={page[^1]}>; rel=\"next\"");
        }

        var json = JsonSerializer.Serialize(new Dictionary<string, object> { ["name"] = name, ["tags"] = page });
        return response with { Body = Encoding.UTF8.GetBytes(json) };
    }

    private FakeResponse Referrers(string name, Digest subject)
    {
        var manifests = _manifests
            .Where(m => m.Key.Repository == name && m.Key.Reference.StartsWith("sha256:", StringComparison.Ordinal) && SubjectOf(m.Value.Bytes) == subject)
            .Select(m => new Descriptor { MediaType = new MediaType(m.Value.MediaType), Digest = Digest.Parse(m.Key.Reference), Size = m.Value.Bytes.Length, ArtifactType = ArtifactTypeOf(m.Value.Bytes) })
            .ToList();
        var index = OciDocuments.Serialize(new ImageIndex { MediaType = MediaType.OciIndex, Manifests = manifests });
        return new FakeResponse(200, index).With("Content-Type", MediaType.OciIndex.Value);
    }

    private static Digest? SubjectOf(byte[] manifest)
    {
        using var document = JsonDocument.Parse(manifest);
        return document.RootElement.TryGetProperty("subject", out var subject) ? Digest.Parse(subject.GetProperty("digest").GetString()!) : null;
    }

    private static string? ArtifactTypeOf(byte[] manifest)
    {
        using var document = JsonDocument.Parse(manifest);
        return document.RootElement.TryGetProperty("artifactType", out var type) ? type.GetString()
            : document.RootElement.TryGetProperty("config", out var config) ? config.GetProperty("mediaType").GetString()
            : null;
    }
}
