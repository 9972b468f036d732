using System.Globalization;
using Containers.Errors;

namespace Containers.Images.Engine;

/// <summary>
/// Docker's rules for turning an image config plus <c>docker run</c> overrides into a process:
/// entrypoint and cmd, env, working directory and user. Pure functions; reading the rootfs is
/// <see cref="RootfsFiles"/>' job.
/// </summary>
internal static class ImageConfigMerge
{
    /// <summary>The PATH Docker gives a Linux container whose env has none.</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private const uint MaxId = int.MaxValue;

    /// <summary>
    /// The process args, as moby merges a run config into the image's: an entrypoint override
    /// that is non-empty drops the image's cmd unless a cmd is given too; an empty one clears the
    /// entrypoint and keeps the image's cmd unless a cmd is given; a cmd override replaces the cmd.
    /// </summary>
    /// <exception cref="InvalidArgumentException">Neither the image nor the overrides give a command.</exception>
    public static IReadOnlyList<string> Args(IReadOnlyList<string>? imageEntrypoint, IReadOnlyList<string>? imageCmd, IReadOnlyList<string>? entrypoint, IReadOnlyList<string>? cmd)
    {
        IReadOnlyList<string> finalEntrypoint;
        IReadOnlyList<string> finalCmd;
        if (entrypoint is { Count: > 0 })
        {
            finalEntrypoint = entrypoint;
            finalCmd = cmd ?? [];
        }
        else
        {
            finalEntrypoint = entrypoint ?? imageEntrypoint ?? [];
            finalCmd = cmd is { Count: > 0 } ? cmd : imageCmd ?? [];
        }

        var args = finalEntrypoint.Concat(finalCmd).ToArray();
        return args.Length > 0 && args[0].Length > 0
            ? args
            : throw new InvalidArgumentException("no command specified: the image has no entrypoint or cmd and the run gives none; pass a cmd or an entrypoint");
    }

    /// <summary>
    /// The env: the image's, then <paramref name="run"/>'s entries, each replacing the image's
    /// value of its key in place or appended; a bare <c>KEY</c> removes the key, as moby's
    /// <c>ReplaceOrAppendEnvValues</c> does. Then PATH (Docker's default), HOSTNAME and HOME are added where absent.
    /// </summary>
    public static IReadOnlyList<string> Env(IReadOnlyList<string>? image, IReadOnlyList<string> run, string hostname, string home)
    {
        var merged = new List<string>();
        foreach (var entry in image ?? [])
        {
            Set(merged, entry, "image");
        }

        foreach (var entry in run)
        {
            Set(merged, entry, "run");
        }

        if (IndexOf(merged, "PATH") < 0)
        {
            merged.Insert(0, $"PATH={DefaultPath}");
        }

        if (IndexOf(merged, "HOSTNAME") < 0)
        {
            merged.Insert(1, $"HOSTNAME={hostname}");
        }

        if (IndexOf(merged, "HOME") < 0)
        {
            merged.Add($"HOME={home}");
        }

        return merged;
    }

    /// <summary>The working directory: the override, else the image's, else <c>/</c>; it must be absolute.</summary>
    /// <exception cref="InvalidArgumentException">The directory is relative.</exception>
    public static string WorkingDir(string? image, string? run)
    {
        var dir = !string.IsNullOrEmpty(run) ? run : !string.IsNullOrEmpty(image) ? image : "/";
        return dir.StartsWith('/')
            ? dir
            : throw new InvalidArgumentException($"the working directory \"{dir}\" is invalid; it needs to be an absolute path");
    }

    /// <summary>
    /// Resolves <paramref name="spec"/> (<c>name</c>, <c>name:group</c>, <c>uid</c>, <c>uid:gid</c>,
    /// <c>name:gid</c>, <c>uid:group</c>, or empty for root) against the text of the container's
    /// <c>/etc/passwd</c> and <c>/etc/group</c> (null when the file is missing), as runc's
    /// <c>GetExecUser</c> does: a numeric uid needs no passwd entry, a name does; an explicit group
    /// sets the primary gid, otherwise the groups listing the user name become additional gids.
    /// </summary>
    /// <exception cref="InvalidArgumentException">A name is not found, or an id is out of range.</exception>
    public static ContainerUser ResolveUser(string? spec, string? passwd, string? group)
    {
        spec ??= "";
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var userArg = colon < 0 ? spec : spec[..colon];
        var groupArg = colon < 0 ? "" : spec[(colon + 1)..];
        var userIsId = TryParseId(userArg, spec, out var uidArg);
        var groupIsId = TryParseId(groupArg, spec, out var gidArg);

        uint uid = 0;
        uint gid = 0;
        var home = "/";
        string? matchedName = null;
        var entry = Passwd(passwd).FirstOrDefault(p => userArg.Length == 0 ? p.Uid == 0 : userIsId ? p.Uid == uidArg : p.Name == userArg);
        if (entry is not null)
        {
            (uid, gid, home, matchedName) = (entry.Uid, entry.Gid, entry.Home.Length > 0 ? entry.Home : "/", entry.Name);
        }
        else if (userArg.Length > 0)
        {
            uid = userIsId
                ? uidArg
                : throw new InvalidArgumentException($"unable to find user {userArg}: no matching entries in the container's /etc/passwd{(passwd is null ? " (it has none)" : "")}; use a numeric uid or add the user to the image");
        }

        var additional = new List<uint>();
        if (groupArg.Length > 0)
        {
            var found = Groups(group).FirstOrDefault(g => groupIsId ? g.Gid == gidArg : g.Name == groupArg);
            gid = found is not null
                ? found.Gid
                : groupIsId
                    ? gidArg
                    : throw new InvalidArgumentException($"unable to find group {groupArg}: no matching entries in the container's /etc/group{(group is null ? " (it has none)" : "")}; use a numeric gid or add the group to the image");
        }
        else if (matchedName is not null)
        {
            additional.AddRange(Groups(group).Where(g => g.Members.Contains(matchedName, StringComparer.Ordinal)).Select(g => g.Gid).Where(g => g != gid).Distinct());
        }

        return new ContainerUser(uid, gid, additional, home);
    }

    private static void Set(List<string> env, string entry, string origin)
    {
        var equals = entry.IndexOf('=', StringComparison.Ordinal);
        var key = equals < 0 ? entry : entry[..equals];
        if (key.Length == 0)
        {
            throw new InvalidArgumentException($"{origin} env entry \"{entry}\" has no variable name; use KEY=value");
        }

        var index = IndexOf(env, key);
        if (equals < 0)
        {
            if (index >= 0)
            {
                env.RemoveAt(index);
            }
        }
        else if (index >= 0)
        {
            env[index] = entry;
        }
        else
        {
            env.Add(entry);
        }
    }

    private static int IndexOf(List<string> env, string key) =>
        env.FindIndex(e => e.Length > key.Length && e[key.Length] == '=' && e.StartsWith(key, StringComparison.Ordinal));

    private static bool TryParseId(string text, string spec, out uint id)
    {
        if (text.Length == 0 || !text.All(char.IsAsciiDigit))
        {
            id = 0;
            return false;
        }

        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id <= MaxId
            ? true
            : throw new InvalidArgumentException($"user \"{spec}\": id {text} is out of range; uids and gids must be in range 0-{MaxId}");
    }

    private static IEnumerable<PasswdEntry> Passwd(string? text)
    {
        foreach (var fields in Lines(text))
        {
            // name:password:uid:gid:gecos:home:shell
            if (fields.Length >= 4 && TryId(fields[2], out var uid) && TryId(fields[3], out var gid))
            {
                yield return new PasswdEntry(fields[0], uid, gid, fields.Length > 5 ? fields[5] : "");
            }
        }
    }

    private static IEnumerable<GroupEntry> Groups(string? text)
    {
        foreach (var fields in Lines(text))
        {
            // name:password:gid:member,member
            if (fields.Length >= 3 && TryId(fields[2], out var gid))
            {
                yield return new GroupEntry(fields[0], gid, fields.Length > 3 ? fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : []);
            }
        }
    }

    private static IEnumerable<string[]> Lines(string? text)
    {
        foreach (var raw in (text ?? "").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length > 0 && line[0] != '#')
            {
                yield return line.Split(':');
            }
        }
    }

    private static bool TryId(string text, out uint id) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id <= MaxId;

    private sealed record PasswdEntry(string Name, uint Uid, uint Gid, string Home);

    private sealed record GroupEntry(string Name, uint Gid, string[] Members);
}
