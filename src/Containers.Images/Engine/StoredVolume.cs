namespace Containers.Images.Engine;

/// <summary>The engine's record of a volume, kept as <c>volume.json</c> beside its <c>_data</c>.</summary>
internal sealed record StoredVolume
{
    public required string Name { get; init; }

    public required DateTimeOffset Created { get; init; }

    public bool Anonymous { get; init; }
}
