namespace Containers.Images.Registry;

/// <summary>One step of a pull or push: where one blob stands, and the whole transfer.</summary>
/// <param name="Digest">The blob this report is about.</param>
/// <param name="MediaType">What the blob is (layer, config).</param>
/// <param name="State">Where the blob stands.</param>
/// <param name="Bytes">Bytes of the blob done (moved, or found present).</param>
/// <param name="Size">The blob's size.</param>
/// <param name="TotalBytes">Bytes done over every blob of the transfer.</param>
/// <param name="TotalSize">The size of every blob of the transfer.</param>
public abstract record TransferProgress(Digest Digest, MediaType MediaType, BlobTransferState State, long Bytes, long Size, long TotalBytes, long TotalSize);
