namespace Containers.Images.Layers;

/// <summary>What applying one layer did: its DiffID as computed while reading, and its size.</summary>
public sealed record LayerApplyResult(Digest DiffId, long Entries, long UncompressedBytes);
