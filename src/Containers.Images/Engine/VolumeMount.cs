using Containers.Errors;

namespace Containers.Images.Engine;

/// <summary>
/// A mount in a container, as <c>docker run -v</c> and <c>--tmpfs</c> give them: a host path
/// (<see cref="VolumeMountKind.Bind"/>), a named or anonymous engine volume
/// (<see cref="VolumeMountKind.Volume"/>, anonymous when <see cref="Source"/> is empty), or a tmpfs.
/// </summary>
/// <param name="Kind">What is mounted.</param>
/// <param name="Source">The absolute host path of a bind, the volume's name (empty: anonymous), ignored for a tmpfs.</param>
/// <param name="Target">The absolute path in the container.</param>
public sealed record VolumeMount(VolumeMountKind Kind, string Source, string Target)
{
    /// <summary>Mount it read-only (<c>:ro</c>).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Do not fill an empty volume from the image's content at the target (<c>:nocopy</c>); volumes only.</summary>
    public bool NoCopy { get; init; }

    /// <summary>
    /// Parses Docker's <c>-v</c> syntax: <c>/host/path:/ctr/path[:options]</c> binds a host path,
    /// <c>name:/ctr/path[:options]</c> mounts a named volume, <c>/ctr/path</c> an anonymous one.
    /// Options, comma-separated: <c>ro</c> or <c>rw</c>, <c>nocopy</c> (volumes), and <c>z</c> or
    /// <c>Z</c> (SELinux relabelling, which has nothing to do here and is accepted as Docker does).
    /// </summary>
    /// <exception cref="InvalidArgumentException">The text is not such a specification; the message says what is wrong.</exception>
    public static VolumeMount Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parts = spec.Split(':');
        if (parts.Length > 3 || parts.Any(part => part.Length == 0))
        {
            throw Invalid(spec, "use /host/path:/container/path[:ro], name:/container/path[:ro] or /container/path");
        }

        if (parts.Length == 1)
        {
            return new VolumeMount(VolumeMountKind.Volume, "", parts[0]).Validated(spec);
        }

        if (parts.Length == 2 && IsMode(parts[1]))
        {
            // Docker refuses "/ctr:ro": an anonymous volume takes no options in this form.
            throw Invalid(spec, $"\"{parts[1]}\" is taken for options, so no container path is left; give source:/container/path:{parts[1]}");
        }

        var kind = parts[0].StartsWith('/') ? VolumeMountKind.Bind : VolumeMountKind.Volume;
        var mount = new VolumeMount(kind, parts[0], parts[1]);
        if (parts.Length == 3)
        {
            mount = WithOptions(mount, parts[2], spec);
        }

        return mount.Validated(spec);
    }

    /// <summary>The <c>-v</c> form of the mount (<c>--tmpfs</c>'s for a tmpfs).</summary>
    public override string ToString()
    {
        var options = string.Join(',', new[] { ReadOnly ? "ro" : null, NoCopy ? "nocopy" : null }.OfType<string>());
        var suffix = options.Length > 0 ? ":" + options : "";
        return Kind switch
        {
            VolumeMountKind.Tmpfs => Target + suffix,
            VolumeMountKind.Volume when Source.Length == 0 => Target,
            _ => $"{Source}:{Target}{suffix}",
        };
    }

    /// <summary>Checks a mount made in code as <see cref="Parse"/> checks text, and cleans its target.</summary>
    /// <exception cref="InvalidArgumentException">A path is relative or climbs with "..", a volume name is not valid, or an option does not fit the kind.</exception>
    internal VolumeMount Validated(string? text = null)
    {
        text ??= ToString();
        var target = CleanTarget(Target, text);
        switch (Kind)
        {
            case VolumeMountKind.Bind when !Source.StartsWith('/'):
                throw Invalid(text, $"the bind source \"{Source}\" is not an absolute host path");
            case VolumeMountKind.Volume when Source.Length > 0 && !ContainerEngine.NamePattern().IsMatch(Source):
                throw Invalid(text, $"\"{Source}\" is not a valid volume name: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed, at least two characters; to bind a host directory, give its absolute path");
            case not VolumeMountKind.Volume when NoCopy:
                throw Invalid(text, "nocopy applies to volumes only");
            case VolumeMountKind.Bind or VolumeMountKind.Volume or VolumeMountKind.Tmpfs:
                break;
            default:
                throw Invalid(text, $"the kind {Kind} is not a mount kind");
        }

        return this with { Target = target, Source = Kind == VolumeMountKind.Bind ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(Source)) : Source };
    }

    private static string CleanTarget(string target, string text)
    {
        if (!target.StartsWith('/'))
        {
            throw Invalid(text, $"the container path \"{target}\" is not absolute");
        }

        var parts = target.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(part => part is "." or ".."))
        {
            throw Invalid(text, $"the container path \"{target}\" has a \".\" or \"..\" component; give a clean absolute path");
        }

        return parts.Length > 0
            ? "/" + string.Join('/', parts)
            : throw Invalid(text, "the container path cannot be \"/\"");
    }

    private static VolumeMount WithOptions(VolumeMount mount, string options, string spec)
    {
        string? access = null;
        foreach (var option in options.Split(','))
        {
            switch (option)
            {
                case "ro" or "rw":
                    if (access is not null && access != option)
                    {
                        throw Invalid(spec, "ro and rw both given; choose one");
                    }

                    access = option;
                    mount = mount with { ReadOnly = option == "ro" };
                    break;
                case "nocopy":
                    mount = mount with { NoCopy = true };
                    break;
                case "z" or "Z":
                    break;
                default:
                    throw Invalid(spec, $"the option \"{option}\" is not supported; use ro, rw, nocopy, z or Z");
            }
        }

        return mount;
    }

    private static bool IsMode(string text) => text.Split(',').All(option => option is "ro" or "rw" or "nocopy" or "z" or "Z");

    private static InvalidArgumentException Invalid(string spec, string what) => new($"invalid volume specification \"{spec}\": {what}");
}
