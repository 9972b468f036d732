using System.Text.Json;
using Containers.Images;

namespace Containers.Cli.Output;

/// <summary>An image as <c>docker inspect</c> (<c>docker image inspect</c>) shows it, with docker's field names.</summary>
internal sealed record ImageInspect
{
    /// <summary>The image ID: the digest of its config.</summary>
    public required string Id { get; init; }

    /// <summary>Its names, <c>busybox:latest</c>.</summary>
    public required IReadOnlyList<string> RepoTags { get; init; }

    /// <summary>Its repositories with the manifest digest, <c>busybox@sha256:…</c>.</summary>
    public required IReadOnlyList<string> RepoDigests { get; init; }

    public DateTime? Created { get; init; }

    public string? Author { get; init; }

    /// <summary>The config's <c>config</c> object as the image has it: Cmd, Entrypoint, Env, WorkingDir, User, ExposedPorts, Labels…</summary>
    public JsonElement? Config { get; init; }

    public required string Architecture { get; init; }

    public required string Os { get; init; }

    /// <summary>The bytes of its blobs in the store.</summary>
    public long Size { get; init; }

    public required RootFsInspect RootFS { get; init; }

    public static ImageInspect From(IImage image, IReadOnlyList<ImageSummary> rows)
    {
        var id = image.Manifest.Config.Digest;
        var mine = rows.Where(r => r.ImageId == id).ToList();
        var names = mine.Where(r => r.Reference is not null).Select(r => r.Reference!).ToList();
        using var raw = JsonDocument.Parse(image.RawConfig);
        return new ImageInspect
        {
            Id = id.ToString(),
            RepoTags = [.. names.Where(n => n.Tag is not null).Select(n => n.ToFamiliarString())],
            RepoDigests = [.. names.Select(n => $"{n.ToFamiliarName()}@{mine[0].ManifestDigest}").Distinct(StringComparer.Ordinal)],
            Created = image.Config.Created?.UtcDateTime,
            Author = image.Config.Author,
            Config = raw.RootElement.TryGetProperty("config", out var config) ? config.Clone() : null,
            Architecture = image.Config.Architecture,
            Os = image.Config.OS,
            Size = mine.Count > 0 ? mine[0].Size : 0,
            RootFS = new RootFsInspect { Layers = [.. image.Config.RootFs.DiffIds.Select(d => d.ToString())] },
        };
    }
}

internal sealed record RootFsInspect
{
    public string Type { get; init; } = "layers";

    public required IReadOnlyList<string> Layers { get; init; }
}
