namespace Containers.Images;

public sealed partial class LocalImages
{
    /// <summary>
    /// Starts bringing an image in from outside (a registry pull): the blobs named to the ingest
    /// are held against garbage collection until the image is named or the ingest is disposed.
    /// </summary>
    internal async ValueTask<ImageIngest> BeginIngestAsync(CancellationToken cancellationToken)
    {
        var id = $"local-images-{Guid.NewGuid():N}";
        await _leases.CreateAsync(id, LeaseLifetime, cancellationToken).ConfigureAwait(false);
        return new ImageIngest(this, id);
    }

    /// <summary>An image being brought in: its blobs held by a lease until it has its name.</summary>
    internal sealed class ImageIngest(LocalImages images, string lease) : IAsyncDisposable
    {
        /// <summary>Holds <paramref name="digests"/> (before they are written) until the ingest ends.</summary>
        public async ValueTask HoldAsync(IEnumerable<Digest> digests, CancellationToken cancellationToken)
        {
            foreach (var digest in digests.Distinct())
            {
                await images._leases.AddResourceAsync(lease, digest, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Points <paramref name="name"/> at <paramref name="target"/>, as a tag does (the image the
        /// name left stays, without a name); a <c>name@digest</c> is kept as it is, as Docker keeps
        /// the digest of an image pulled by digest.
        /// </summary>
        public async ValueTask NameAsync(Descriptor target, ImageReference name, CancellationToken cancellationToken)
        {
            await images.NameAsync(target, name, cancellationToken).ConfigureAwait(false);
            LogAdded(images._logger, target.Digest, name);
        }

        public async ValueTask DisposeAsync() =>
            await images._leases.DeleteAsync(lease, CancellationToken.None).ConfigureAwait(false);
    }
}
