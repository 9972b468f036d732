namespace Containers.Images.Registry;

/// <summary>How to pull an image.</summary>
public sealed record PullOptions
{
    /// <summary>The platform to choose from a multi-platform image; this machine's by default.</summary>
    public Platform? Platform { get; init; }

    /// <summary>Receives progress per blob and in total.</summary>
    public IProgress<PullProgress>? Progress { get; init; }
}
