namespace Containers.Images.Content;

/// <summary>Looks after committed blobs: what is there, and removing it.</summary>
public interface IContentManager
{
    /// <exception cref="Errors.NotFoundException">No blob has that digest.</exception>
    ValueTask<ContentInfo> InfoAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>True when a committed blob has that digest.</summary>
    ValueTask<bool> ExistsAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Every committed blob, in no particular order.</summary>
    IAsyncEnumerable<ContentInfo> WalkAsync(CancellationToken cancellationToken = default);

    /// <exception cref="Errors.NotFoundException">No blob has that digest.</exception>
    ValueTask DeleteAsync(Digest digest, CancellationToken cancellationToken = default);
}
