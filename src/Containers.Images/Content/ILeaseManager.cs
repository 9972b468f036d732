namespace Containers.Images.Content;

/// <summary>Creates and ends leases, and names the blobs each one protects.</summary>
public interface ILeaseManager
{
    ValueTask<Lease> CreateAsync(string id, TimeSpan? expiresAfter = null, CancellationToken cancellationToken = default);

    ValueTask<Lease> AddResourceAsync(string id, Digest digest, CancellationToken cancellationToken = default);

    ValueTask DeleteAsync(string id, CancellationToken cancellationToken = default);

    IAsyncEnumerable<Lease> ListAsync(CancellationToken cancellationToken = default);
}
