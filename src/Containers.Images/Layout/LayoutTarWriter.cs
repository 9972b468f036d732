using System.Formats.Tar;

namespace Containers.Images.Layout;

/// <summary>
/// Writes an OCI image layout into a tar: <c>oci-layout</c>, <c>index.json</c> and each blob once
/// under <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c>. Layers are streamed from their source, never held in
/// memory. Entries carry fixed owners, modes and times, so the same images make the same archive.
/// </summary>
internal sealed class LayoutTarWriter(TarWriter tar)
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode DirectoryMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly HashSet<Digest> _blobs = [];
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);

    /// <summary>The archive name of a blob: <c>blobs/sha256/&lt;hex&gt;</c>.</summary>
    public static string BlobName(Digest digest) => $"blobs/{digest.Algorithm.Name}/{digest.Hex}";

    /// <summary>Writes a small file from memory.</summary>
    public async ValueTask WriteFileAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var data = new MemoryStream(content.ToArray(), writable: false);
        await using (data.ConfigureAwait(false))
        {
            await WriteEntryAsync(name, data, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes every blob of an image (layers, config, manifest) not written yet; returns the manifest's descriptor.</summary>
    public async ValueTask<Descriptor> WriteImageAsync(IImage image, CancellationToken cancellationToken)
    {
        foreach (var layer in image.Layers)
        {
            if (!await StartBlobAsync(layer.Digest, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            // The layer verifies its digest and size as it is read; a bad layer fails the write.
            var source = await layer.OpenCompressedAsync(cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                await WriteEntryAsync(BlobName(layer.Digest), source, cancellationToken).ConfigureAwait(false);
            }
        }

        await WriteBlobAsync(image.Manifest.Config.Digest, image.RawConfig, cancellationToken).ConfigureAwait(false);
        await WriteBlobAsync(image.Digest, image.RawManifest, cancellationToken).ConfigureAwait(false);
        return image.Descriptor with { Platform = image.Config.Platform };
    }

    /// <summary>Writes <c>oci-layout</c> and an <c>index.json</c> that lists <paramref name="manifests"/>.</summary>
    public async ValueTask WriteLayoutAsync(IReadOnlyList<Descriptor> manifests, CancellationToken cancellationToken)
    {
        await WriteFileAsync(OciLayoutMarker.FileName, OciLayoutMarker.SerializeCurrent(), cancellationToken).ConfigureAwait(false);
        var index = new ImageIndex { SchemaVersion = 2, MediaType = MediaType.OciIndex, Manifests = manifests };
        await WriteFileAsync(OciLayout.IndexFileName, OciDocuments.Serialize(index), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A tag's entry in an index: the descriptor with the annotations that name it.</summary>
    public static Descriptor Named(Descriptor descriptor, IEnumerable<KeyValuePair<string, string>> names)
    {
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in (descriptor.Annotations ?? new Dictionary<string, string>()).Concat(names))
        {
            annotations[key] = value;
        }

        return descriptor with { Annotations = annotations.Count == 0 ? null : annotations };
    }

    private async ValueTask WriteBlobAsync(Digest digest, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (await StartBlobAsync(digest, cancellationToken).ConfigureAwait(false))
        {
            await WriteFileAsync(BlobName(digest), content, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>False when the blob was written already; otherwise makes sure its directories precede it.</summary>
    private async ValueTask<bool> StartBlobAsync(Digest digest, CancellationToken cancellationToken)
    {
        if (!_blobs.Add(digest))
        {
            return false;
        }

        foreach (var directory in new[] { "blobs/", $"blobs/{digest.Algorithm.Name}/" })
        {
            if (_directories.Add(directory))
            {
                await tar.WriteEntryAsync(NewEntry(TarEntryType.Directory, directory, DirectoryMode), cancellationToken).ConfigureAwait(false);
            }
        }

        return true;
    }

    private async ValueTask WriteEntryAsync(string name, Stream data, CancellationToken cancellationToken)
    {
        var entry = NewEntry(TarEntryType.RegularFile, name, FileMode);
        entry.DataStream = data;
        await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    private static PaxTarEntry NewEntry(TarEntryType type, string name, UnixFileMode mode) => new(type, name)
    {
        Mode = mode,
        ModificationTime = DateTimeOffset.UnixEpoch,
        Uid = 0,
        Gid = 0,
    };
}
