namespace Containers.Images.Content;

/// <summary>What one garbage collection kept and removed.</summary>
public sealed record GarbageCollectionResult(
    IReadOnlyList<Digest> Removed,
    long BytesFreed,
    int Kept,
    int ExpiredLeasesRemoved,
    int StaleIngestsRemoved);
