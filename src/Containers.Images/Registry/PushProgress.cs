namespace Containers.Images.Registry;

/// <summary>Progress of a push, per blob and in total.</summary>
public sealed record PushProgress(Digest Digest, MediaType MediaType, BlobTransferState State, long Bytes, long Size, long TotalBytes, long TotalSize)
    : TransferProgress(Digest, MediaType, State, Bytes, Size, TotalBytes, TotalSize);
