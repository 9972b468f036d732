using Containers.Errors;
using Containers.Linux;
using Containers.Images.Content;
using Containers.Images.Content.Local;

namespace Containers.Images.Layout;

/// <summary>
/// An OCI image layout directory: <c>oci-layout</c>, <c>index.json</c> and <c>blobs/</c>. Images
/// in it are named by the <c>org.opencontainers.image.ref.name</c> annotation in the index, which
/// is how skopeo (<c>oci:dir:tag</c>), umoci and BuildKit name them. Blobs are written through the
/// same verified, atomic ingest as the content store; the index is replaced whole.
/// </summary>
public sealed class OciLayout
{
    internal const string IndexFileName = "index.json";
    private const string IngestDirectoryName = ".ingest";

    private OciLayout(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Blobs = new LocalContentStore(
            System.IO.Path.Combine(Path, "blobs"), System.IO.Path.Combine(Path, IngestDirectoryName), verifyOnRead: true, ingestExpiry: null, timeProvider: null, logger: null);
    }

    /// <summary>The layout's directory.</summary>
    public string Path { get; }

    /// <summary>The layout's blobs as a content store: reads are verified, writes are atomic.</summary>
    public IContentStore Blobs { get; }

    /// <summary>Opens an existing layout, checking its <c>oci-layout</c> marker.</summary>
    public static async ValueTask<OciLayout> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var marker = System.IO.Path.Combine(path, OciLayoutMarker.FileName);
        if (!File.Exists(marker))
        {
            throw new NotFoundException($"\"{path}\" is not an OCI image layout: it has no oci-layout file");
        }

        OciLayoutMarker.Check(await File.ReadAllBytesAsync(marker, cancellationToken).ConfigureAwait(false), $"\"{path}\"");
        return new OciLayout(path);
    }

    /// <summary>Opens a layout, creating an empty one if the directory has none.</summary>
    public static async ValueTask<OciLayout> OpenOrCreateAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(System.IO.Path.Combine(path, OciLayoutMarker.FileName)))
        {
            return await OpenAsync(path, cancellationToken).ConfigureAwait(false);
        }

        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any())
        {
            throw new AlreadyExistsException($"\"{path}\" exists and is not an OCI image layout; choose an empty or new directory");
        }

        var layout = new OciLayout(path);
        await AtomicFile.WriteAsync(
            System.IO.Path.Combine(layout.Path, OciLayoutMarker.FileName),
            OciLayoutMarker.SerializeCurrent(),
            cancellationToken).ConfigureAwait(false);
        await layout.WriteIndexAsync(new ImageIndex { SchemaVersion = 2, MediaType = MediaType.OciIndex, Manifests = [] }, cancellationToken).ConfigureAwait(false);
        return layout;
    }

    /// <summary>The layout's top-level index.</summary>
    public async ValueTask<ImageIndex> ReadIndexAsync(CancellationToken cancellationToken = default)
    {
        var path = System.IO.Path.Combine(Path, IndexFileName);
        if (!File.Exists(path))
        {
            throw new NotFoundException($"OCI layout \"{Path}\" has no index.json");
        }

        var info = new FileInfo(path);
        if (info.Length > OciDocuments.MaxManifestSize)
        {
            throw new InvalidArgumentException($"index.json of \"{Path}\" is {info.Length} bytes, over the limit of {OciDocuments.MaxManifestSize}");
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return OciDocuments.ParseIndex(bytes, null, $"index.json of \"{Path}\"");
    }

    /// <summary>The tags named in the index, in index order.</summary>
    public async ValueTask<IReadOnlyList<string>> ListTagsAsync(CancellationToken cancellationToken = default)
    {
        var index = await ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        return [.. index.Manifests.Select(m => m.GetAnnotation(OciAnnotations.RefName)).OfType<string>()];
    }

    /// <summary>
    /// The descriptor tagged <paramref name="tag"/>. With no tag, the layout's only manifest; a
    /// layout with several and no tag asked for is an error that lists them.
    /// </summary>
    public async ValueTask<Descriptor> ResolveAsync(string? tag, CancellationToken cancellationToken = default)
    {
        var index = await ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(tag))
        {
            return index.Manifests.Count == 1
                ? index.Manifests[0]
                : throw new InvalidArgumentException(
                    $"OCI layout \"{Path}\" holds {index.Manifests.Count} manifests; name one by tag: [{string.Join(", ", index.Manifests.Select(m => m.GetAnnotation(OciAnnotations.RefName) ?? m.Digest.ToString()))}]");
        }

        return index.Manifests.FirstOrDefault(m => m.GetAnnotation(OciAnnotations.RefName) == tag)
            ?? throw new NotFoundException(
                $"OCI layout \"{Path}\" has no image tagged \"{tag}\"; it has [{string.Join(", ", index.Manifests.Select(m => m.GetAnnotation(OciAnnotations.RefName)).OfType<string>())}]");
    }

    /// <summary>Opens the image tagged <paramref name="tag"/>, choosing <paramref name="platform"/> from an index.</summary>
    public async ValueTask<IImage> GetImageAsync(string? tag, Platform? platform = null, CancellationToken cancellationToken = default)
    {
        var descriptor = await ResolveAsync(tag, cancellationToken).ConfigureAwait(false);
        return await ImageLoader.LoadImageForPlatformAsync(Blobs, descriptor, platform, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes an image's blobs and names it <paramref name="tag"/>, replacing an older image of that tag.</summary>
    public async ValueTask<Descriptor> WriteImageAsync(IImage image, string? tag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var descriptor = await ImageWriter.WriteAsync(Blobs, image, cancellationToken).ConfigureAwait(false);
        await AddToIndexAsync(descriptor with { Platform = image.Config.Platform }, tag, cancellationToken).ConfigureAwait(false);
        RemoveIngestDirectoryIfEmpty();
        return descriptor;
    }

    /// <summary>Names a descriptor already in the layout's blobs in the index.</summary>
    public async ValueTask AddToIndexAsync(Descriptor descriptor, string? tag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (tag is not null)
        {
            ValidateTag(tag);
        }

        // One writer of the index at a time, across threads and processes.
        using (await DirectoryLock.AcquireAsync(Path, cancellationToken).ConfigureAwait(false))
        {
            var index = await ReadIndexAsync(cancellationToken).ConfigureAwait(false);
            var kept = index.Manifests.Where(m => tag is null
                ? !(m.Digest == descriptor.Digest && m.GetAnnotation(OciAnnotations.RefName) is null)
                : m.GetAnnotation(OciAnnotations.RefName) != tag);
            var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in descriptor.Annotations ?? new Dictionary<string, string>())
            {
                annotations[k] = v;
            }

            if (tag is not null)
            {
                annotations[OciAnnotations.RefName] = tag;
            }

            var entry = descriptor with { Annotations = annotations.Count == 0 ? null : annotations };
            await WriteIndexAsync(index with { Manifests = [.. kept, entry] }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes the directory that blob writers stage their bytes in, once no writer is left.</summary>
    internal void DeleteIngestDirectory()
    {
        var ingest = System.IO.Path.Combine(Path, IngestDirectoryName);
        if (Directory.Exists(ingest))
        {
            Directory.Delete(ingest, recursive: true);
        }
    }

    // Leave the layout as the spec lays it out; another writer still busy keeps the directory.
    private void RemoveIngestDirectoryIfEmpty()
    {
        try
        {
            Directory.Delete(System.IO.Path.Combine(Path, IngestDirectoryName), recursive: false);
        }
        catch (IOException)
        {
        }
    }

    internal static void ValidateTag(string tag)
    {
        // OCI's ref.name grammar is broad (it allows full references); refuse only what cannot be a name.
        if (tag.Length is 0 or > 255 || tag.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new InvalidArgumentException($"tag \"{tag}\" must be 1 to 255 characters with no spaces or control characters");
        }
    }

    private ValueTask WriteIndexAsync(ImageIndex index, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(System.IO.Path.Combine(Path, IndexFileName), OciDocuments.Serialize(index), cancellationToken);
}
