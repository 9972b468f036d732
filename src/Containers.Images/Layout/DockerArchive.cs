using System.Formats.Tar;
using System.Text.Json;
using Containers.Errors;
using Containers.Images.Content;
using Containers.Images.Content.Local;
using Containers.Images.Json;
using Containers.Images.Layers;

namespace Containers.Images.Layout;

/// <summary>
/// <c>docker save</c> / <c>docker load</c> archives. Written as Docker 25 writes them: a
/// <c>manifest.json</c> and <c>repositories</c> for every Docker, and an OCI layout
/// (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256/…</c>) over the same blobs, in Docker
/// schema 2 media types. Read in any of the shapes Docker, skopeo and go-containerregistry write:
/// <c>manifest.json</c> names the config and layer files, wherever they are; layers may be
/// uncompressed, gzip or zstd. Reading treats the archive as hostile: names are checked, files are
/// never created by name (everything goes into a content store by digest), and every layer's
/// DiffID must match its config.
/// </summary>
public static class DockerArchive
{
    internal const string ManifestFileName = "manifest.json";
    private const string Kind = "docker archive";
    internal const string RepositoriesFileName = "repositories";
    private const int MaxLinkHops = 16;

    /// <summary>
    /// Writes <paramref name="images"/> into a <c>docker load</c>-able archive. Each image is
    /// restated in Docker media types (same config, same layer blobs); references need a tag and
    /// are written in Docker's familiar form (<c>nginx:latest</c>).
    /// </summary>
    public static async ValueTask WriteAsync(string archivePath, IReadOnlyList<DockerArchiveImage> images, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(archivePath);
        ArgumentNullException.ThrowIfNull(images);
        var prepared = Prepare(archivePath, images);
        await AtomicFile.WriteAsync(archivePath, async (stream, token) =>
        {
            var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
            await using (tar.ConfigureAwait(false))
            {
                var writer = new LayoutTarWriter(tar);
                var index = new List<Descriptor>();
                var entries = new List<DockerArchiveEntry>();
                var repositories = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
                foreach (var (image, tags) in prepared)
                {
                    var descriptor = await writer.WriteImageAsync(image, token).ConfigureAwait(false);
                    index.AddRange(tags.Count == 0
                        ? [descriptor]
                        : tags.Select(t => LayoutTarWriter.Named(descriptor, [new(OciAnnotations.ContainerdImageName, t.ToString()), new(OciAnnotations.RefName, t.Tag!)])));
                    entries.Add(new DockerArchiveEntry
                    {
                        Config = LayoutTarWriter.BlobName(image.Manifest.Config.Digest),
                        RepoTags = [.. tags.Select(t => t.ToFamiliarString())],
                        Layers = [.. image.Layers.Select(l => LayoutTarWriter.BlobName(l.Digest))],
                    });
                    foreach (var tag in tags.Where(_ => image.Layers.Count > 0))
                    {
                        var familiar = tag.ToFamiliarString();
                        var repository = familiar[..^(tag.Tag!.Length + 1)];
                        if (!repositories.TryGetValue(repository, out var byTag))
                        {
                            repositories[repository] = byTag = new SortedDictionary<string, string>(StringComparer.Ordinal);
                        }

                        byTag[tag.Tag!] = image.Layers[^1].Digest.Hex;
                    }
                }

                await writer.WriteFileAsync(ManifestFileName, JsonSerializer.SerializeToUtf8Bytes(entries, OciJsonContext.Relaxed.ListDockerArchiveEntry), token).ConfigureAwait(false);
                await writer.WriteFileAsync(RepositoriesFileName, SerializeRepositories(repositories), token).ConfigureAwait(false);
                await writer.WriteLayoutAsync(index, token).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the images of a <c>docker save</c> archive into <paramref name="store"/> (layers,
    /// configs, and a manifest made for each image) and returns them with their tags. Layers keep
    /// the encoding they have in the archive; the manifest uses Docker media types (OCI ones if a
    /// layer is zstd, which Docker's cannot express). If reading fails part-way, blobs committed
    /// so far stay in the store, unreferenced, for garbage collection to take.
    /// </summary>
    /// <exception cref="InvalidArgumentException">The archive is malformed or holds what a docker archive may not.</exception>
    /// <exception cref="DigestMismatchException">A file is not the blob its name promises, or a layer's DiffID is not the one its config lists.</exception>
    public static async ValueTask<IReadOnlyList<DockerArchiveImage>> LoadAsync(string archivePath, IContentStore store, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(archivePath);
        ArgumentNullException.ThrowIfNull(store);
        var archive = ArchiveInput.Describe(Kind, archivePath);

        // manifest.json may come anywhere in the archive (docker writes it near the end): the first
        // pass checks every entry and reads manifest.json, the second ingests what it names.
        var (files, manifestJson) = await ScanAsync(archivePath, cancellationToken).ConfigureAwait(false);
        var entries = ParseManifest(archive, manifestJson);
        var plan = entries.Select(e => new PlannedImage(
            e,
            Resolve(archive, files, e.Config, "config"),
            [.. e.Layers.Select(l => Resolve(archive, files, l, "layer"))])).ToList();
        var configs = plan.Select(p => p.Config).ToHashSet(StringComparer.Ordinal);
        var layers = plan.SelectMany(p => p.Layers).ToHashSet(StringComparer.Ordinal);
        foreach (var config in configs.Where(c => files[c].Length > OciDocuments.MaxConfigSize))
        {
            throw new InvalidArgumentException($"{archive} has config \"{config}\" of {files[config].Length} bytes, over the limit of {OciDocuments.MaxConfigSize}");
        }

        var blobs = await IngestAsync(archivePath, store, configs, layers, cancellationToken).ConfigureAwait(false);
        var images = new List<DockerArchiveImage>(plan.Count);
        foreach (var image in plan)
        {
            images.Add(await BuildImageAsync(archive, store, image, blobs, cancellationToken).ConfigureAwait(false));
        }

        return images;
    }

    /// <summary>
    /// Reads a <c>docker save</c> archive into a new OCI layout at
    /// <paramref name="destinationDirectory"/> (which must not exist, or be empty), tagging each
    /// image there by its familiar name (<c>nginx:latest</c>). On any failure the destination is
    /// left as it was.
    /// </summary>
    public static async ValueTask<IReadOnlyList<DockerArchiveImage>> ExtractAsync(string archivePath, string destinationDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(archivePath);
        ArgumentException.ThrowIfNullOrEmpty(destinationDirectory);
        IReadOnlyList<DockerArchiveImage> loaded;
        using (var staging = StagingDirectory.Create(destinationDirectory))
        {
            var layout = await OciLayout.OpenOrCreateAsync(staging.Path, cancellationToken).ConfigureAwait(false);
            loaded = await LoadAsync(archivePath, layout.Blobs, cancellationToken).ConfigureAwait(false);
            foreach (var (image, tags) in loaded)
            {
                var descriptor = image.Descriptor with { Platform = image.Config.Platform };
                if (tags.Count == 0)
                {
                    await layout.AddToIndexAsync(descriptor, null, cancellationToken).ConfigureAwait(false);
                }

                foreach (var tag in tags)
                {
                    var named = LayoutTarWriter.Named(descriptor, [new(OciAnnotations.ContainerdImageName, tag.ToString())]);
                    await layout.AddToIndexAsync(named, tag.ToFamiliarString(), cancellationToken).ConfigureAwait(false);
                }
            }

            layout.DeleteIngestDirectory();
            staging.Commit();
        }

        // The images were read from the staging directory; open them again where they now live.
        var final = await OciLayout.OpenAsync(destinationDirectory, cancellationToken).ConfigureAwait(false);
        var images = new List<DockerArchiveImage>(loaded.Count);
        foreach (var (image, tags) in loaded)
        {
            images.Add(new DockerArchiveImage(await ImageLoader.LoadImageAsync(final.Blobs, image.Descriptor, cancellationToken).ConfigureAwait(false), tags));
        }

        return images;
    }

    private static List<(IImage Image, List<ImageReference> Tags)> Prepare(string archivePath, IReadOnlyList<DockerArchiveImage> images)
    {
        if (images.Count == 0)
        {
            throw new InvalidArgumentException($"docker archive \"{archivePath}\" would hold no images; give at least one, as docker save needs");
        }

        var prepared = new List<(IImage Image, List<ImageReference> Tags)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in images)
        {
            ArgumentNullException.ThrowIfNull(item);
            ArgumentNullException.ThrowIfNull(item.Image);
            var docker = DockerMediaTypes.Convert(item.Image);
            var at = prepared.FindIndex(p => p.Image.Digest == docker.Digest);
            if (at < 0)
            {
                prepared.Add((docker, []));
                at = prepared.Count - 1;
            }

            foreach (var reference in item.RepoTags ?? [])
            {
                ArgumentNullException.ThrowIfNull(reference);
                if (reference.Tag is null)
                {
                    throw new InvalidArgumentException($"reference {reference} has no tag; a docker archive names images as repository:tag, so give it one");
                }

                // RepoTags have no digests; a pinned reference is named by its tag alone.
                var tagged = reference.Digest is null ? reference : ImageReference.Parse(reference.Name).WithTag(reference.Tag);
                if (!seen.Add(tagged.ToString()))
                {
                    throw new InvalidArgumentException($"{tagged} is given more than once for docker archive \"{archivePath}\"; a tag names one image");
                }

                prepared[at].Tags.Add(tagged);
            }
        }

        return prepared;
    }

    private static byte[] SerializeRepositories(SortedDictionary<string, SortedDictionary<string, string>> repositories)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (repository, tags) in repositories)
            {
                json.WriteStartObject(repository);
                foreach (var (tag, layer) in tags)
                {
                    json.WriteString(tag, layer);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>First pass: checks every entry, lists the files (and links between them), and reads manifest.json.</summary>
    private static async ValueTask<(Dictionary<string, ScannedFile> Files, byte[] Manifest)> ScanAsync(string archivePath, CancellationToken cancellationToken)
    {
        const string Allowed = "a docker archive holds only regular files, directories, and symbolic links between its own files";
        var archive = ArchiveInput.Describe(Kind, archivePath);
        var files = new Dictionary<string, ScannedFile>(StringComparer.Ordinal);
        byte[]? manifest = null;
        await foreach (var (entry, name) in ArchiveInput.ReadEntriesAsync(Kind, archivePath, cancellationToken).ConfigureAwait(false))
        {
            if (entry.EntryType == TarEntryType.Directory)
            {
                continue;
            }

            ScannedFile file;
            if (ArchiveInput.IsRegularFile(entry))
            {
                file = new ScannedFile(entry.Length, null);
                if (name == ManifestFileName)
                {
                    manifest = await ArchiveInput.ReadSmallFileAsync(archive, entry, OciDocuments.MaxManifestSize, cancellationToken).ConfigureAwait(false);
                }
            }
            else if (entry.EntryType == TarEntryType.SymbolicLink)
            {
                // docker save and skopeo link a layer seen twice to its first copy. A link is
                // only ever an alias between names in the archive; nothing is created on disk.
                file = new ScannedFile(0, ResolveLinkTarget(archive, entry, name));
            }
            else
            {
                throw ArchiveInput.UnsupportedType(archive, entry, Allowed);
            }

            if (!files.TryAdd(name, file))
            {
                throw new InvalidArgumentException($"{archive} has more than one entry named \"{entry.Name}\"; refusing the ambiguity");
            }
        }

        return (files, manifest ?? throw new InvalidArgumentException(
            $"{archive} has no manifest.json; it is not a docker save archive (archives of Docker before 1.10 are not supported)"));
    }

    private static string ResolveLinkTarget(string archive, TarEntry entry, string name)
    {
        var target = entry.LinkName;
        if (target.StartsWith('/'))
        {
            throw new InvalidArgumentException($"{archive} has entry \"{entry.Name}\", a symbolic link to the absolute path \"{target}\"; links may only point at files in the archive");
        }

        var parts = name.Split('/').SkipLast(1).ToList();
        foreach (var component in target.Split('/'))
        {
            if (component == "..")
            {
                if (parts.Count == 0)
                {
                    throw new InvalidArgumentException($"{archive} has entry \"{entry.Name}\", a symbolic link to \"{target}\", which escapes the archive with \"..\"; refusing it");
                }

                parts.RemoveAt(parts.Count - 1);
            }
            else if (component is not ("" or "."))
            {
                parts.Add(component);
            }
        }

        return parts.Count > 0
            ? string.Join('/', parts)
            : throw new InvalidArgumentException($"{archive} has entry \"{entry.Name}\", a symbolic link to \"{target}\", which names no file");
    }

    private static List<DockerArchiveEntry> ParseManifest(string archive, byte[] json)
    {
        List<DockerArchiveEntry>? entries;
        try
        {
            entries = JsonSerializer.Deserialize(json, OciJsonContext.Relaxed.ListDockerArchiveEntry);
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"manifest.json of {archive} is not valid: {e.Message}", e);
        }

        if (entries is null || entries.Count == 0)
        {
            throw new InvalidArgumentException($"manifest.json of {archive} names no images");
        }

        foreach (var entry in entries)
        {
            if (entry is null || string.IsNullOrEmpty(entry.Config) || entry.Layers is null || entry.Layers.Any(string.IsNullOrEmpty))
            {
                throw new InvalidArgumentException($"manifest.json of {archive} has an image without a config, or without layers, or with an empty layer name");
            }
        }

        return entries;
    }

    /// <summary>The file a name in manifest.json stands for, following links between the archive's files.</summary>
    private static string Resolve(string archive, Dictionary<string, ScannedFile> files, string reference, string role)
    {
        var name = ArchiveInput.NormalizeName(archive, reference, $"{role} path in manifest.json");
        for (var hop = 0; hop <= MaxLinkHops; hop++)
        {
            if (!files.TryGetValue(name, out var file))
            {
                throw new InvalidArgumentException($"manifest.json of {archive} names {role} \"{reference}\", which the archive does not contain");
            }

            if (file.LinkTarget is null)
            {
                return name;
            }

            name = file.LinkTarget;
        }

        throw new InvalidArgumentException($"{role} \"{reference}\" of {archive} is a chain of more than {MaxLinkHops} symbolic links; refusing it");
    }

    /// <summary>Second pass: ingests the files manifest.json names, learning each layer's compression and DiffID on the way.</summary>
    private static async ValueTask<Dictionary<string, IngestedLayer>> IngestAsync(
        string archivePath, IContentStore store, HashSet<string> configs, HashSet<string> layers, CancellationToken cancellationToken)
    {
        var archive = ArchiveInput.Describe(Kind, archivePath);
        var ingested = new Dictionary<string, IngestedLayer>(StringComparer.Ordinal);
        await foreach (var (entry, name) in ArchiveInput.ReadEntriesAsync(Kind, archivePath, cancellationToken).ConfigureAwait(false))
        {
            var isLayer = layers.Contains(name);
            if (!ArchiveInput.IsRegularFile(entry) || (!isLayer && !configs.Contains(name)))
            {
                continue;
            }

            Digest? expected = ArchiveInput.TryParseBlobName(name, out var named) ? named : null;
            try
            {
                ingested[name] = isLayer
                    ? await LayerIngest.WriteAsync(store, entry.DataStream ?? Stream.Null, entry.Length, expected, cancellationToken).ConfigureAwait(false)
                    : new IngestedLayer(
                        await store.WriteBlobAsync(entry.DataStream ?? Stream.Null, entry.Length, expected, cancellationToken).ConfigureAwait(false),
                        default, entry.Length, LayerCompression.None);
            }
            catch (DigestMismatchException e)
            {
                throw new DigestMismatchException(
                    $"{archive} has entry \"{entry.Name}\" whose bytes are not the blob its name promises ({e.Message}); the archive is corrupt or was tampered with",
                    e.Expected, e.Actual, e);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidArgumentException($"{archive} has layer \"{entry.Name}\", which does not decompress: {e.Message}", e);
            }
        }

        foreach (var name in configs.Concat(layers).Where(n => !ingested.ContainsKey(n)))
        {
            throw new InvalidArgumentException($"{archive} changed while it was read: \"{name}\" was there on the first pass and is gone on the second");
        }

        return ingested;
    }

    private static async ValueTask<DockerArchiveImage> BuildImageAsync(
        string archive, IContentStore store, PlannedImage plan, Dictionary<string, IngestedLayer> blobs, CancellationToken cancellationToken)
    {
        var entry = plan.Entry;
        var what = entry.RepoTags is { Count: > 0 } tags ? $"image {string.Join(", ", tags)}" : $"image with config \"{entry.Config}\"";
        var configBlob = blobs[plan.Config];
        var configDescriptor = new Descriptor { MediaType = MediaType.DockerConfig, Digest = configBlob.Digest, Size = configBlob.Size };
        var rawConfig = await store.ReadBlobAsync(configDescriptor, OciDocuments.MaxConfigSize, cancellationToken).ConfigureAwait(false);
        var config = OciDocuments.ParseConfig(rawConfig, $"config \"{entry.Config}\" of {archive}");
        var diffIds = config.RootFs.DiffIds;
        if (diffIds.Count != plan.Layers.Count)
        {
            throw new InvalidArgumentException($"{what} in {archive} has {plan.Layers.Count} layers, but its config lists {diffIds.Count} diff_ids");
        }

        var layers = plan.Layers.Select(l => blobs[l]).ToList();
        for (var i = 0; i < layers.Count; i++)
        {
            if (layers[i].DiffId != diffIds[i])
            {
                throw new DigestMismatchException(
                    $"layer {i} (\"{entry.Layers[i]}\") of {what} in {archive} uncompresses to {layers[i].DiffId}, but the config lists the DiffID {diffIds[i]}; the archive is corrupt or was tampered with",
                    diffIds[i].ToString(), layers[i].DiffId.ToString());
            }
        }

        // Docker schema 2 cannot say zstd; an image with a zstd layer is described in OCI terms.
        var docker = layers.All(l => l.Compression != LayerCompression.Zstd);
        var descriptors = layers.Select(l => new Descriptor { MediaType = MediaType.LayerFor(l.Compression, docker), Digest = l.Digest, Size = l.Size }).ToList();
        var mediaType = docker ? MediaType.DockerManifest : MediaType.OciManifest;
        var manifest = new ImageManifest
        {
            SchemaVersion = 2,
            MediaType = mediaType,
            Config = configDescriptor with { MediaType = docker ? MediaType.DockerConfig : MediaType.OciConfig },
            Layers = descriptors,
        };
        var rawManifest = OciDocuments.Serialize(manifest);
        await store.WriteBlobAsync(mediaType, rawManifest, cancellationToken).ConfigureAwait(false);
        var image = Image.FromRead(manifest, rawManifest, mediaType, config, rawConfig, [.. descriptors.Select((d, i) => (ILayer)new ContentLayer(store, d, diffIds[i]))]);

        var references = new List<ImageReference>();
        foreach (var tag in entry.RepoTags ?? [])
        {
            references.Add(ImageReference.TryParse(tag, out var reference)
                ? reference
                : throw new InvalidArgumentException($"manifest.json of {archive} tags an image \"{tag}\", which is not a valid image reference"));
        }

        return new DockerArchiveImage(image, references);
    }

    /// <summary>A file (or a link to one) seen on the first pass.</summary>
    private readonly record struct ScannedFile(long Length, string? LinkTarget);

    /// <summary>An image of manifest.json with its file names resolved.</summary>
    private sealed record PlannedImage(DockerArchiveEntry Entry, string Config, IReadOnlyList<string> Layers);
}
