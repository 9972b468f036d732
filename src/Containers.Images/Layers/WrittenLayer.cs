namespace Containers.Images.Layers;

/// <summary>What <see cref="LayerWriter"/> produced: the blob's digest and size, and the tar's DiffID.</summary>
public sealed record WrittenLayer(Digest Digest, Digest DiffId, long Size, MediaType MediaType, long Entries);
