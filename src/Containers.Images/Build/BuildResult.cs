namespace Containers.Images.Build;

/// <summary>What a build made, and how much work it took.</summary>
public sealed record BuildResult
{
    /// <summary>The image.</summary>
    public required IImage Image { get; init; }

    /// <summary>The image ID (its config's digest), as <c>docker build</c> prints it.</summary>
    public Digest ImageId => Image.Manifest.Config.Digest;

    /// <summary>The names it was given in the local store.</summary>
    public IReadOnlyList<ImageReference> Tags { get; init; } = [];

    /// <summary>The steps of the stages built (FROM included).</summary>
    public int Steps { get; init; }

    /// <summary>The steps the cache answered.</summary>
    public int CachedSteps { get; init; }

    /// <summary>The RUN containers created.</summary>
    public int ContainersCreated { get; init; }

    /// <summary>The layers written.</summary>
    public int LayersWritten { get; init; }
}
