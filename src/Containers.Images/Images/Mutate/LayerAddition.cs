namespace Containers.Images;

/// <summary>A layer to append and the history entry that says how it was made.</summary>
public readonly record struct LayerAddition(ILayer Layer, HistoryEntry? History);
