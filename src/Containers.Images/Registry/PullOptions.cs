using Containers.Images.Snapshots;

namespace Containers.Images.Registry;

/// <summary>How to pull an image.</summary>
public sealed record PullOptions
{
    /// <summary>The platform to choose from a multi-platform image; this machine's by default.</summary>
    public Platform? Platform { get; init; }

    /// <summary>Receives progress per blob and in total.</summary>
    public IProgress<PullProgress>? Progress { get; init; }

    /// <summary>
    /// Unpacks the layers into committed snapshots here while the pull runs, as <c>docker pull</c>
    /// does: each layer as soon as it and every layer below it are stored, while later layers still
    /// download, so that the image's first run finds them ready. Null (the default), the first
    /// run unpacks them. A failure to unpack is logged and does not fail the pull.
    /// </summary>
    public ISnapshotter? UnpackInto { get; init; }

    /// <summary>The unpacker to share with the engine that will run the image (so that both apply a layer once); a new one if null.</summary>
    public LayerUnpacker? Unpacker { get; init; }
}
