namespace Containers.Images.Layers;

/// <summary>One layer of a stack applied: which of how many, and what it held.</summary>
public sealed record LayerApplyProgress(int Index, int Count, Digest Digest, LayerApplyResult Result);
