using Containers.Errors;

namespace Containers.Cli.Commands;

/// <summary>
/// An image in an OCI layout as skopeo names it: <c>&lt;dir&gt;:&lt;tag&gt;</c>, or <c>&lt;dir&gt;</c>
/// for a layout with one image.
/// </summary>
internal sealed record LayoutReference(string Directory, string? Tag)
{
    public static LayoutReference Parse(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        var colon = value.LastIndexOf(':');
        if (colon < 0 || value.IndexOf('/', colon) >= 0)
        {
            return new LayoutReference(value, null);
        }

        var directory = value[..colon];
        var tag = value[(colon + 1)..];
        if (directory.Length == 0)
        {
            throw new InvalidArgumentException($"image \"{value}\" has no directory before ':'; write <oci-layout-dir>:<tag>");
        }

        if (tag.Length == 0)
        {
            throw new InvalidArgumentException($"image \"{value}\" has an empty tag after ':'; write <oci-layout-dir>:<tag> or leave out the ':'");
        }

        return new LayoutReference(directory, tag);
    }

    public override string ToString() => Tag is null ? Directory : $"{Directory}:{Tag}";
}
