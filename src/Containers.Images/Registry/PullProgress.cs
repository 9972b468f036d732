namespace Containers.Images.Registry;

/// <summary>Progress of a pull, per blob and in total.</summary>
public sealed record PullProgress(Digest Digest, MediaType MediaType, BlobTransferState State, long Bytes, long Size, long TotalBytes, long TotalSize)
    : TransferProgress(Digest, MediaType, State, Bytes, Size, TotalBytes, TotalSize);
