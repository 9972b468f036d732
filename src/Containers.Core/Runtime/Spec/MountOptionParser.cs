using Containers.Errors;
using Containers.Linux;

namespace Containers.Runtime.Spec;

/// <summary>
/// Turns a spec mount's fstab-style options into mount(2) flags, a propagation change and a
/// data string, with the same table runc uses: <c>ro</c> sets MS_RDONLY, <c>rw</c> clears it,
/// later options win over earlier ones, and anything unknown (<c>mode=755</c>) is data for the
/// filesystem.
/// </summary>
/// <remarks>
/// Where this differs from runc 1.1.5: <c>defaults</c> is dropped rather than passed on as data
/// (where filesystems such as tmpfs would reject it); when several propagation options are
/// given the last one wins (runc applies them one after another, which ends in the same state
/// for the mount itself); <c>nosymfollow</c>/<c>symfollow</c> are known; and the options this
/// runtime cannot honour (<c>tmpcopyup</c>, id-mapped and recursive-attribute mounts) are errors,
/// not silently passed to the kernel.
/// </remarks>
internal static class MountOptionParser
{
    private static readonly Dictionary<string, (bool Clear, ulong Flag)> FlagTable = new(StringComparer.Ordinal)
    {
        ["acl"] = (false, LibC.MS_POSIXACL),
        ["async"] = (true, LibC.MS_SYNCHRONOUS),
        ["atime"] = (true, LibC.MS_NOATIME),
        ["bind"] = (false, LibC.MS_BIND),
        ["defaults"] = (false, 0),
        ["dev"] = (true, LibC.MS_NODEV),
        ["diratime"] = (true, LibC.MS_NODIRATIME),
        ["dirsync"] = (false, LibC.MS_DIRSYNC),
        ["exec"] = (true, LibC.MS_NOEXEC),
        ["iversion"] = (false, LibC.MS_I_VERSION),
        ["lazytime"] = (false, LibC.MS_LAZYTIME),
        ["loud"] = (true, LibC.MS_SILENT),
        ["mand"] = (false, LibC.MS_MANDLOCK),
        ["noacl"] = (true, LibC.MS_POSIXACL),
        ["noatime"] = (false, LibC.MS_NOATIME),
        ["nodev"] = (false, LibC.MS_NODEV),
        ["nodiratime"] = (false, LibC.MS_NODIRATIME),
        ["noexec"] = (false, LibC.MS_NOEXEC),
        ["noiversion"] = (true, LibC.MS_I_VERSION),
        ["nolazytime"] = (true, LibC.MS_LAZYTIME),
        ["nomand"] = (true, LibC.MS_MANDLOCK),
        ["norelatime"] = (true, LibC.MS_RELATIME),
        ["nostrictatime"] = (true, LibC.MS_STRICTATIME),
        ["nosuid"] = (false, LibC.MS_NOSUID),
        ["nosymfollow"] = (false, LibC.MS_NOSYMFOLLOW),
        ["rbind"] = (false, LibC.MS_BIND | LibC.MS_REC),
        ["relatime"] = (false, LibC.MS_RELATIME),
        ["remount"] = (false, LibC.MS_REMOUNT),
        ["ro"] = (false, LibC.MS_RDONLY),
        ["rw"] = (true, LibC.MS_RDONLY),
        ["silent"] = (false, LibC.MS_SILENT),
        ["strictatime"] = (false, LibC.MS_STRICTATIME),
        ["suid"] = (true, LibC.MS_NOSUID),
        ["symfollow"] = (true, LibC.MS_NOSYMFOLLOW),
        ["sync"] = (false, LibC.MS_SYNCHRONOUS),
    };

    private static readonly Dictionary<string, ulong> PropagationTable = new(StringComparer.Ordinal)
    {
        ["private"] = LibC.MS_PRIVATE,
        ["rprivate"] = LibC.MS_PRIVATE | LibC.MS_REC,
        ["shared"] = LibC.MS_SHARED,
        ["rshared"] = LibC.MS_SHARED | LibC.MS_REC,
        ["slave"] = LibC.MS_SLAVE,
        ["rslave"] = LibC.MS_SLAVE | LibC.MS_REC,
        ["unbindable"] = LibC.MS_UNBINDABLE,
        ["runbindable"] = LibC.MS_UNBINDABLE | LibC.MS_REC,
    };

    private static readonly Dictionary<string, string> Unsupported = new(StringComparer.Ordinal)
    {
        ["tmpcopyup"] = "copying the directory's contents into a tmpfs is not implemented; populate the tmpfs another way or drop the option",
        ["idmap"] = "id-mapped mounts are not implemented; chown the source or use a user namespace with uid/gid maps",
        ["ridmap"] = "id-mapped mounts are not implemented; chown the source or use a user namespace with uid/gid maps",
    };

    private static readonly HashSet<string> RecursiveAttributes = new(StringComparer.Ordinal)
    {
        "rro", "rrw", "rnosuid", "rsuid", "rnodev", "rdev", "rnoexec", "rexec", "rnodiratime", "rdiratime",
        "rrelatime", "rnorelatime", "rnoatime", "ratime", "rstrictatime", "rnostrictatime", "rnosymfollow", "rsymfollow",
    };

    /// <summary>Parses a mount's options; null or empty gives no flags and no data.</summary>
    /// <exception cref="InvalidArgumentException">An option asks for something this runtime does not do.</exception>
    public static ParsedMountOptions Parse(IReadOnlyList<string>? options)
    {
        if (options is null || options.Count == 0)
        {
            return new ParsedMountOptions(0, 0, string.Empty);
        }

        ulong flags = 0;
        ulong propagation = 0;
        List<string>? data = null;
        foreach (var option in options)
        {
            if (FlagTable.TryGetValue(option, out var entry))
            {
                flags = entry.Clear ? flags & ~entry.Flag : flags | entry.Flag;
            }
            else if (PropagationTable.TryGetValue(option, out var change))
            {
                propagation = change;
            }
            else if (Unsupported.TryGetValue(option, out var why))
            {
                throw new InvalidArgumentException($"mount option \"{option}\" is not supported: {why}");
            }
            else if (RecursiveAttributes.Contains(option))
            {
                throw new InvalidArgumentException(
                    $"mount option \"{option}\" is not supported: recursive mount attributes (mount_setattr) are not implemented; use \"{option[1..]}\", which applies to the mount itself");
            }
            else if (option.Length > 0)
            {
                (data ??= []).Add(option);
            }
        }

        return new ParsedMountOptions(flags, propagation, data is null ? string.Empty : string.Join(',', data));
    }
}
