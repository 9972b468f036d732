namespace Containers.Images.Registry;

/// <summary>What a pull brought in.</summary>
/// <param name="Reference">The reference pulled (and the name the image was stored under, when pulled into local images).</param>
/// <param name="Target">The manifest or index the reference resolved to: what the name points at.</param>
/// <param name="Image">The image for the chosen platform, read back from the store.</param>
/// <param name="BlobsDownloaded">Blobs fetched from the registry (config and layers).</param>
/// <param name="BlobsPresent">Blobs the store had already.</param>
/// <param name="BytesDownloaded">Bytes of blobs fetched.</param>
public sealed record PullResult(ImageReference Reference, Descriptor Target, IImage Image, int BlobsDownloaded, int BlobsPresent, long BytesDownloaded)
{
    /// <summary>With <see cref="PullOptions.UnpackInto"/>: the layers this pull applied into snapshots (those there before are not counted); null when it did not unpack, or unpacking failed.</summary>
    public int? LayersUnpacked { get; init; }
}
