using Containers.Errors;
using Containers.Images.Content;
using Containers.Images.Layout;

namespace Containers.Images;

public sealed partial class LocalImages
{
    /// <summary>
    /// <c>docker save</c>: writes the images <paramref name="references"/> name into one archive.
    /// An image given by name carries that name in the archive; one given by ID carries none. The
    /// archive appears whole or not at all.
    /// </summary>
    /// <exception cref="NotFoundException">A reference names no local image.</exception>
    public async ValueTask SaveAsync(IReadOnlyList<string> references, string archivePath, ArchiveFormat format = ArchiveFormat.Docker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentException.ThrowIfNullOrEmpty(archivePath);
        if (references.Count == 0)
        {
            throw new InvalidArgumentException($"no images given to save into \"{archivePath}\"; name at least one");
        }

        var images = new List<(IImage Image, ImageReference? Name)>();
        foreach (var reference in references)
        {
            var found = await FindAsync(reference, null, cancellationToken).ConfigureAwait(false);
            var name = found.Name is { Tag: not null } tagged && !IsDangling(tagged) ? tagged : null;
            if (!images.Any(i => i.Image.Digest == found.Image.Digest && i.Name == name))
            {
                images.Add((found.Image, name));
            }
        }

        switch (format)
        {
            case ArchiveFormat.Docker:
                var grouped = images.GroupBy(i => i.Image.Digest)
                    .Select(g => new DockerArchiveImage(g.First().Image, [.. g.Select(i => i.Name).OfType<ImageReference>()]))
                    .ToList();
                await DockerArchive.WriteAsync(archivePath, grouped, cancellationToken).ConfigureAwait(false);
                break;
            case ArchiveFormat.Oci:
                // The full name as ref.name: a tag alone would lose the repository on the way back.
                await OciArchive.WriteAsync(archivePath, [.. images.Select(i => (i.Image, i.Name?.ToString()))], cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new InvalidArgumentException($"archive format {format} is not one of {string.Join(", ", Enum.GetNames<ArchiveFormat>())}");
        }
    }

    /// <summary>
    /// <c>docker load</c>: reads a docker or OCI archive (plain or gzip; the format is told from its
    /// entries) and names its images as the archive does. The archive is read in full and every
    /// blob verified in a staging directory first, so a corrupt or hostile archive changes nothing
    /// in the store. In an OCI archive, a manifest's name is its <c>io.containerd.image.name</c>
    /// annotation, else its <c>org.opencontainers.image.ref.name</c> when that is a whole
    /// reference (<c>app:v1</c>, <c>docker.io/library/busybox:latest</c>); a bare tag names nothing.
    /// </summary>
    /// <returns>Each name given, or one unnamed entry for an image the archive names not.</returns>
    /// <exception cref="InvalidArgumentException">The archive is malformed, or holds what an image archive may not.</exception>
    /// <exception cref="DigestMismatchException">A blob is not what its name or its image's config says.</exception>
    public async ValueTask<IReadOnlyList<LoadedImage>> LoadAsync(string archivePath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(archivePath);
        var format = await DetectFormatAsync(archivePath, cancellationToken).ConfigureAwait(false);
        var staging = TemporaryPath("load");
        try
        {
            OciLayout layout;
            List<(Descriptor Root, IReadOnlyList<ImageReference> Names)> roots;
            if (format == ArchiveFormat.Docker)
            {
                var images = await DockerArchive.ExtractAsync(archivePath, staging, cancellationToken).ConfigureAwait(false);
                layout = await OciLayout.OpenAsync(staging, cancellationToken).ConfigureAwait(false);
                roots = [.. images.Select(i => (i.Image.Descriptor, i.RepoTags))];
            }
            else
            {
                layout = await OciArchive.ExtractAsync(archivePath, staging, cancellationToken).ConfigureAwait(false);
                var index = await layout.ReadIndexAsync(cancellationToken).ConfigureAwait(false);
                roots = [.. index.Manifests
                    .GroupBy(m => m.Digest)
                    .Select(g => ((Descriptor)(g.First() with { Annotations = null, Platform = null }), (IReadOnlyList<ImageReference>)[.. g.Select(OciName).OfType<ImageReference>().Distinct()]))];
            }

            return await StoreLoadedAsync(layout, roots, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Copies the verified images of a staging layout into the store under a lease, then names them.</summary>
    private async ValueTask<IReadOnlyList<LoadedImage>> StoreLoadedAsync(OciLayout layout, IReadOnlyList<(Descriptor Root, IReadOnlyList<ImageReference> Names)> roots, CancellationToken cancellationToken)
    {
        var trees = new List<IReadOnlyList<Descriptor>>();
        foreach (var (root, names) in roots)
        {
            foreach (var name in names)
            {
                CheckTag(name);
            }

            trees.Add(await ContentTree.CollectAsync(layout.Blobs, root, cancellationToken).ConfigureAwait(false));
        }

        var loaded = new List<LoadedImage>();
        var lease = await HoldAsync(trees.SelectMany(t => t.Select(d => d.Digest)), cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var tree in trees)
            {
                await ContentTree.CopyAsync(layout.Blobs, Content, tree, cancellationToken).ConfigureAwait(false);
            }

            foreach (var (root, names) in roots)
            {
                foreach (var name in names.Count == 0 ? [null] : names.Cast<ImageReference?>())
                {
                    await NameAsync(root, name, cancellationToken).ConfigureAwait(false);
                }

                var id = await ImageIdAsync(root, cancellationToken).ConfigureAwait(false);
                loaded.AddRange(names.Count == 0 ? [new LoadedImage(null, id, root.Digest)] : names.Select(n => new LoadedImage(n, id, root.Digest)));
                LogLoaded(_logger, root.Digest, names.Count == 0 ? "<none>" : string.Join(", ", names));
            }
        }
        finally
        {
            await _leases.DeleteAsync(lease, CancellationToken.None).ConfigureAwait(false);
        }

        return loaded;
    }

    /// <summary>The config digest of the image (for an index, of this platform's image, or else the index's own digest).</summary>
    private async ValueTask<Digest> ImageIdAsync(Descriptor root, CancellationToken cancellationToken)
    {
        try
        {
            return (await LoadAsync(root, null, cancellationToken).ConfigureAwait(false)).Manifest.Config.Digest;
        }
        catch (NotFoundException)
        {
            return root.Digest;
        }
    }

    private static ImageReference? OciName(Descriptor descriptor)
    {
        if (descriptor.GetAnnotation(OciAnnotations.ContainerdImageName) is { } full && ImageReference.TryParse(full, out var named))
        {
            return named;
        }

        var refName = descriptor.GetAnnotation(OciAnnotations.RefName);
        return refName is not null && refName.AsSpan().ContainsAny(':', '/') && ImageReference.TryParse(refName, out var reference) && reference.Digest is null
            ? reference
            : null;
    }

    /// <summary>A docker archive has <c>manifest.json</c> (Docker 25 adds an OCI layout beside it, which it reads too); an OCI archive has only the layout.</summary>
    private static async ValueTask<ArchiveFormat> DetectFormatAsync(string archivePath, CancellationToken cancellationToken)
    {
        const string Kind = "image archive";
        var layout = false;
        await foreach (var (_, name) in ArchiveInput.ReadEntriesAsync(Kind, archivePath, cancellationToken).ConfigureAwait(false))
        {
            if (name == DockerArchive.ManifestFileName)
            {
                return ArchiveFormat.Docker;
            }

            layout |= name == OciLayoutMarker.FileName;
        }

        return layout
            ? ArchiveFormat.Oci
            : throw new InvalidArgumentException($"{ArchiveInput.Describe(Kind, archivePath)} has neither manifest.json (docker save) nor oci-layout (OCI archive); it is not an image archive");
    }
}
