using Containers.Errors;

namespace Containers.Images.Build;

/// <summary>Where a built image goes (<c>-o type=…,dest=…</c>).</summary>
/// <param name="Kind">The kind of output.</param>
/// <param name="Destination">The directory of an OCI layout, or the file of an OCI archive; null for the local store.</param>
public sealed record BuildOutput(BuildOutputKind Kind, string? Destination = null)
{
    /// <summary>The local image store, where <c>containers run</c> finds the image.</summary>
    public static BuildOutput LocalStore { get; } = new(BuildOutputKind.Image);

    /// <summary>
    /// Parses BuildKit's output syntax: <c>type=image</c> (or <c>type=docker</c>), <c>type=oci,dest=DIR</c>
    /// or <c>type=oci,dest=FILE.tar,tar=true</c>, <c>type=oci-archive,dest=FILE</c>, or a bare path (an OCI layout).
    /// </summary>
    /// <exception cref="InvalidArgumentException">The type is unknown or a destination is missing.</exception>
    public static BuildOutput Parse(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        if (!text.Contains('=', StringComparison.Ordinal))
        {
            return new BuildOutput(BuildOutputKind.OciLayout, text);
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(','))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new InvalidArgumentException($"output \"{text}\": \"{part}\" is not key=value; write type=oci,dest=DIR");
            }

            fields[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        var dest = fields.GetValueOrDefault("dest");
        var type = fields.GetValueOrDefault("type") ?? throw new InvalidArgumentException($"output \"{text}\" has no type; write type=image, type=oci,dest=DIR or type=oci-archive,dest=FILE");
        BuildOutputKind kind = type switch
        {
            "image" or "docker" => BuildOutputKind.Image,
            "oci" when fields.GetValueOrDefault("tar") is "true" => BuildOutputKind.OciArchive,
            "oci" => BuildOutputKind.OciLayout,
            "oci-archive" or "tar" => BuildOutputKind.OciArchive,
            _ => throw new InvalidArgumentException($"output type \"{type}\" is not known; use image, oci or oci-archive"),
        };
        if (kind != BuildOutputKind.Image && string.IsNullOrEmpty(dest))
        {
            throw new InvalidArgumentException($"output \"{text}\" needs dest=; name the directory or file to write");
        }

        return new BuildOutput(kind, kind == BuildOutputKind.Image ? null : dest);
    }
}

/// <summary>The kinds of build output.</summary>
public enum BuildOutputKind
{
    /// <summary>The local image store.</summary>
    Image,

    /// <summary>An OCI image layout directory; the index names the image by its tag.</summary>
    OciLayout,

    /// <summary>An OCI archive: a layout in one tar file.</summary>
    OciArchive,
}
