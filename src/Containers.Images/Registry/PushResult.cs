namespace Containers.Images.Registry;

/// <summary>What a push sent.</summary>
/// <param name="Reference">Where the image went (tag, or digest).</param>
/// <param name="Target">The manifest or index pushed under <paramref name="Reference"/>; its digest is the image's digest in the registry.</param>
/// <param name="BlobsUploaded">Blobs sent.</param>
/// <param name="BlobsPresent">Blobs the registry had already (HEAD).</param>
/// <param name="BlobsMounted">Blobs mounted from another repository.</param>
/// <param name="BytesUploaded">Bytes of blobs sent.</param>
public sealed record PushResult(ImageReference Reference, Descriptor Target, int BlobsUploaded, int BlobsPresent, int BlobsMounted, long BytesUploaded);
