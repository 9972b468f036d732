namespace Containers.Images.Snapshots;

/// <summary>What an unpack left: the committed snapshot of the whole image, and how many layers this call applied (the rest were there already).</summary>
public sealed record UnpackResult(Digest ChainId, IReadOnlyList<Digest> ChainIds, int LayersApplied);
