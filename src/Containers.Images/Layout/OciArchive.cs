using System.Formats.Tar;
using Containers.Errors;
using Containers.Images.Content;
using Containers.Images.Content.Local;

namespace Containers.Images.Layout;

/// <summary>
/// OCI archives: an OCI image layout (<c>oci-layout</c>, <c>index.json</c>,
/// <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c>) in one tar, as skopeo's <c>oci-archive:</c>, podman and
/// BuildKit write them. Writing streams every blob into a temporary file beside the target and
/// renames it into place. Extracting treats the archive as hostile: it takes only the layout's own
/// files, verifies every blob against its name, and leaves nothing behind if anything is wrong.
/// </summary>
public static class OciArchive
{
    private const string Kind = "OCI archive";
    private const int MaxMarkerSize = 4096;
    private const int MaxReferencedBlobs = 100_000;

    /// <summary>
    /// Writes <paramref name="images"/> into an OCI archive at <paramref name="archivePath"/>; a
    /// tag names an image by the <c>org.opencontainers.image.ref.name</c> annotation, as
    /// <c>oci-archive:file:tag</c> expects. Blobs shared by several images are written once.
    /// </summary>
    public static async ValueTask WriteAsync(string archivePath, IReadOnlyList<(IImage Image, string? Tag)> images, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(archivePath);
        ArgumentNullException.ThrowIfNull(images);
        var tags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (image, tag) in images)
        {
            ArgumentNullException.ThrowIfNull(image);
            if (tag is null)
            {
                continue;
            }

            OciLayout.ValidateTag(tag);
            if (!tags.Add(tag))
            {
                throw new InvalidArgumentException($"tag \"{tag}\" is given to more than one image for OCI archive \"{archivePath}\"; give each image its own tag");
            }
        }

        await AtomicFile.WriteAsync(archivePath, async (stream, token) =>
        {
            var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
            await using (tar.ConfigureAwait(false))
            {
                var writer = new LayoutTarWriter(tar);
                var manifests = new List<Descriptor>();
                foreach (var (image, tag) in images)
                {
                    var descriptor = await writer.WriteImageAsync(image, token).ConfigureAwait(false);
                    manifests.Add(tag is null ? descriptor : LayoutTarWriter.Named(descriptor, [new(OciAnnotations.RefName, tag)]));
                }

                await writer.WriteLayoutAsync(manifests, token).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Extracts an OCI archive into a new OCI layout at <paramref name="destinationDirectory"/>
    /// (which must not exist, or be empty) and opens it. Every blob goes through the layout's
    /// verified ingest; every blob the index reaches must be in the archive. On any failure the
    /// destination is left as it was.
    /// </summary>
    /// <exception cref="InvalidArgumentException">The archive holds something an OCI layout may not, or lacks something it must.</exception>
    /// <exception cref="DigestMismatchException">A blob's bytes do not hash to its name.</exception>
    public static async ValueTask<OciLayout> ExtractAsync(string archivePath, string destinationDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(archivePath);
        ArgumentException.ThrowIfNullOrEmpty(destinationDirectory);
        using (var staging = StagingDirectory.Create(destinationDirectory))
        {
            var layout = await OciLayout.OpenOrCreateAsync(staging.Path, cancellationToken).ConfigureAwait(false);
            var index = await ExtractEntriesAsync(archivePath, layout, cancellationToken).ConfigureAwait(false);
            await CheckReferencesAsync(ArchiveInput.Describe(Kind, archivePath), layout, index, cancellationToken).ConfigureAwait(false);
            layout.DeleteIngestDirectory();
            staging.Commit();
        }

        return await OciLayout.OpenAsync(destinationDirectory, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask<ImageIndex> ExtractEntriesAsync(string archivePath, OciLayout layout, CancellationToken cancellationToken)
    {
        const string Allowed = "an OCI archive holds only oci-layout, index.json and blobs/<alg>/<hex> (and docker save's manifest.json and repositories)";
        var archive = ArchiveInput.Describe(Kind, archivePath);
        var sawMarker = false;
        (ImageIndex Parsed, byte[] Raw)? index = null;
        await foreach (var (entry, name) in ArchiveInput.ReadEntriesAsync(Kind, archivePath, cancellationToken).ConfigureAwait(false))
        {
            if (entry.EntryType == TarEntryType.Directory)
            {
                if (name is not ("" or "blobs") && !(name.StartsWith("blobs/", StringComparison.Ordinal) && DigestAlgorithm.FromName(name.AsSpan(6)) is not null))
                {
                    throw new InvalidArgumentException($"{archive} has directory \"{entry.Name}\", which is not part of an OCI image layout; {Allowed}");
                }

                continue;
            }

            if (!ArchiveInput.IsRegularFile(entry))
            {
                throw ArchiveInput.UnsupportedType(archive, entry, $"{Allowed}, as regular files");
            }

            switch (name)
            {
                case OciLayoutMarker.FileName:
                    if (sawMarker)
                    {
                        throw new InvalidArgumentException($"{archive} has more than one oci-layout entry; refusing the ambiguity");
                    }

                    sawMarker = true;
                    OciLayoutMarker.Check(await ArchiveInput.ReadSmallFileAsync(archive, entry, MaxMarkerSize, cancellationToken).ConfigureAwait(false), archive);
                    break;

                case OciLayout.IndexFileName:
                    if (index is not null)
                    {
                        throw new InvalidArgumentException($"{archive} has more than one index.json entry; refusing the ambiguity");
                    }

                    var raw = await ArchiveInput.ReadSmallFileAsync(archive, entry, OciDocuments.MaxManifestSize, cancellationToken).ConfigureAwait(false);
                    index = (OciDocuments.ParseIndex(raw, null, $"index.json of {archive}"), raw);
                    break;

                case DockerArchive.ManifestFileName or DockerArchive.RepositoriesFileName:
                    // docker save (Docker 25 and later) writes an OCI layout with these beside it.
                    break;

                default:
                    if (!ArchiveInput.TryParseBlobName(name, out var digest))
                    {
                        throw new InvalidArgumentException($"{archive} has entry \"{entry.Name}\", which is not part of an OCI image layout; {Allowed}");
                    }

                    await IngestBlobAsync(archive, entry, digest, layout, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        if (!sawMarker)
        {
            throw new InvalidArgumentException($"{archive} has no oci-layout file; it is not an OCI image layout archive");
        }

        var (parsed, bytes) = index ?? throw new InvalidArgumentException($"{archive} has no index.json; it names no images");
        await AtomicFile.WriteAsync(Path.Combine(layout.Path, OciLayout.IndexFileName), bytes, cancellationToken).ConfigureAwait(false);
        return parsed;
    }

    private static async ValueTask IngestBlobAsync(string archive, TarEntry entry, Digest digest, OciLayout layout, CancellationToken cancellationToken)
    {
        try
        {
            await layout.Blobs.WriteBlobAsync(entry.DataStream ?? Stream.Null, entry.Length, digest, cancellationToken).ConfigureAwait(false);
        }
        catch (DigestMismatchException e)
        {
            throw new DigestMismatchException(
                $"{archive} has entry \"{entry.Name}\" whose bytes are not the blob its name promises ({e.Message}); the archive is corrupt or was tampered with",
                e.Expected, e.Actual, e);
        }
    }

    /// <summary>Every blob the index reaches must have come with the archive (non-distributable layers excepted).</summary>
    private static async ValueTask CheckReferencesAsync(string archive, OciLayout layout, ImageIndex index, CancellationToken cancellationToken)
    {
        var pending = new Stack<Descriptor>(index.Manifests);
        var seen = new HashSet<Digest>();
        while (pending.TryPop(out var descriptor))
        {
            if (!seen.Add(descriptor.Digest))
            {
                continue;
            }

            if (seen.Count > MaxReferencedBlobs)
            {
                throw new InvalidArgumentException($"{archive} refers to more than {MaxReferencedBlobs} blobs; refusing it");
            }

            if (!await layout.Blobs.ExistsAsync(descriptor.Digest, cancellationToken).ConfigureAwait(false))
            {
                if (descriptor.MediaType.IsNondistributable)
                {
                    continue;
                }

                throw new InvalidArgumentException($"{archive} refers to {descriptor.MediaType} {descriptor.Digest}, but does not carry that blob; the archive is incomplete");
            }

            if (descriptor.MediaType.IsManifest)
            {
                var raw = await layout.Blobs.ReadBlobAsync(descriptor, OciDocuments.MaxManifestSize, cancellationToken).ConfigureAwait(false);
                var manifest = OciDocuments.ParseManifest(raw, descriptor.MediaType, $"manifest {descriptor.Digest} in {archive}");
                pending.Push(manifest.Config);
                foreach (var layer in manifest.Layers)
                {
                    pending.Push(layer);
                }
            }
            else if (descriptor.MediaType.IsIndex)
            {
                var raw = await layout.Blobs.ReadBlobAsync(descriptor, OciDocuments.MaxManifestSize, cancellationToken).ConfigureAwait(false);
                foreach (var child in OciDocuments.ParseIndex(raw, descriptor.MediaType, $"index {descriptor.Digest} in {archive}").Manifests)
                {
                    pending.Push(child);
                }
            }
        }
    }
}
