using Containers.Errors;

namespace Containers.Images.Content;

/// <summary>
/// The blobs an image's manifest or index refers to: an index names manifests, a manifest names
/// its config and layers, and either may name a subject (the image it is about). Garbage
/// collection marks along these edges; copying an image between stores walks them.
/// </summary>
internal static class ContentTree
{
    /// <summary>The most blobs one image may reach; far more than any image has.</summary>
    private const int MaxBlobs = 100_000;

    /// <summary>The descriptors <paramref name="descriptor"/> names directly; none for a blob that is neither manifest nor index.</summary>
    public static async ValueTask<(IReadOnlyList<Descriptor> Children, Descriptor? Subject)> LinksAsync(IContentProvider provider, Descriptor descriptor, CancellationToken cancellationToken)
    {
        if (!(descriptor.MediaType.IsManifest || descriptor.MediaType.IsIndex))
        {
            return ([], null);
        }

        var bytes = await provider.ReadBlobAsync(descriptor, OciDocuments.MaxManifestSize, cancellationToken).ConfigureAwait(false);
        if (descriptor.MediaType.IsIndex)
        {
            var index = OciDocuments.ParseIndex(bytes, descriptor.MediaType, $"index {descriptor.Digest}");
            return (index.Manifests, index.Subject);
        }

        var manifest = OciDocuments.ParseManifest(bytes, descriptor.MediaType, $"manifest {descriptor.Digest}");
        return ([manifest.Config, .. manifest.Layers], manifest.Subject);
    }

    /// <summary>
    /// Every blob reachable from <paramref name="root"/> that <paramref name="store"/> has, each
    /// once, children before the documents that name them (the order to write them in). A missing
    /// non-distributable layer or subject is left out; any other missing blob is an error.
    /// </summary>
    /// <exception cref="NotFoundException">A blob the image needs is missing.</exception>
    public static async ValueTask<IReadOnlyList<Descriptor>> CollectAsync(IContentStore store, Descriptor root, CancellationToken cancellationToken)
    {
        var ordered = new List<Descriptor>();
        var seen = new HashSet<Digest>();
        await VisitAsync(root, optional: false).ConfigureAwait(false);
        return ordered;

        async ValueTask VisitAsync(Descriptor descriptor, bool optional)
        {
            if (!seen.Add(descriptor.Digest))
            {
                return;
            }

            if (seen.Count > MaxBlobs)
            {
                throw new InvalidArgumentException($"image {root.Digest} reaches more than {MaxBlobs} blobs; refusing it");
            }

            if (!await store.ExistsAsync(descriptor.Digest, cancellationToken).ConfigureAwait(false))
            {
                if (optional || descriptor.MediaType.IsNondistributable)
                {
                    return;
                }

                throw new NotFoundException($"image {root.Digest} needs {descriptor.MediaType} {descriptor.Digest}, which is missing; the image is incomplete");
            }

            var (children, subject) = await LinksAsync(store, descriptor, cancellationToken).ConfigureAwait(false);
            foreach (var child in children)
            {
                await VisitAsync(child, optional: false).ConfigureAwait(false);
            }

            if (subject is not null)
            {
                await VisitAsync(subject, optional: true).ConfigureAwait(false);
            }

            ordered.Add(descriptor);
        }
    }

    /// <summary>
    /// Copies the blobs <see cref="CollectAsync"/> found from <paramref name="source"/> into
    /// <paramref name="destination"/>, in that order, skipping what is there already.
    /// </summary>
    public static async ValueTask CopyAsync(IContentProvider source, IContentStore destination, IReadOnlyList<Descriptor> blobs, CancellationToken cancellationToken)
    {
        foreach (var blob in blobs)
        {
            if (await destination.ExistsAsync(blob.Digest, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            var stream = await source.OpenReadAsync(blob.Digest, blob.Size, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await destination.WriteBlobAsync(stream, blob.Size, blob.Digest, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
