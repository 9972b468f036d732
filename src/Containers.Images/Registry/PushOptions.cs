namespace Containers.Images.Registry;

/// <summary>How to push an image.</summary>
public sealed record PushOptions
{
    /// <summary>Receives progress per blob and in total.</summary>
    public IProgress<PushProgress>? Progress { get; init; }

    /// <summary>
    /// Other repositories of the same registry to mount blobs from, before uploading them
    /// (<c>POST …/blobs/uploads/?mount=&lt;digest&gt;&amp;from=&lt;repository&gt;</c>): a blob
    /// the registry has there is linked, not sent.
    /// </summary>
    public IReadOnlyList<string> MountFrom { get; init; } = [];

    /// <summary>
    /// For a multi-platform image, push only the manifest for this platform (under the tag).
    /// Null pushes the whole index, which needs every platform's blobs in the local store.
    /// </summary>
    public Platform? Platform { get; init; }
}
