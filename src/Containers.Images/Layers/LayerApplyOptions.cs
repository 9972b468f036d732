using Containers.Images.Layers.Tar;

namespace Containers.Images.Layers;

/// <summary>How a layer is extracted onto a directory.</summary>
public sealed record LayerApplyOptions
{
    public static LayerApplyOptions Default { get; } = new();

    /// <summary>The caps every layer must keep; the subject in errors is set per layer.</summary>
    public TarReaderOptions Limits { get; init; } = TarReaderOptions.Default;

    /// <summary>chown entries to their uid and gid; only root may, so it defaults to whether we are root.</summary>
    public bool RestoreOwnership { get; init; } = Environment.IsPrivilegedProcess;

    /// <summary>Set extended attributes (<c>security.capability</c> and friends) from the layer.</summary>
    public bool RestoreExtendedAttributes { get; init; } = true;
}
