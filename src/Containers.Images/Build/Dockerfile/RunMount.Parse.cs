using System.Globalization;
using System.Text;
using Containers.Errors;

namespace Containers.Images.Build.Dockerfile;

public sealed partial record RunMount
{
    private static readonly string[] Keys =
    [
        "type", "from", "source", "src", "target", "dst", "destination", "readonly", "ro", "readwrite", "rw",
        "id", "sharing", "required", "size", "mode", "uid", "gid", "env",
    ];

    /// <summary>Whether any value holds a <c>$</c> and so needs <see cref="Expand"/> before use.</summary>
    public bool HasVariables => Spec.Contains('$', StringComparison.Ordinal);

    /// <summary>
    /// Parses a <c>--mount</c> value. Without <paramref name="expand"/>, values holding a <c>$</c>
    /// are kept as written and typed keys holding one are left at their defaults (checked again
    /// by <see cref="Expand"/>).
    /// </summary>
    /// <exception cref="InvalidArgumentException">An unknown key or type, a bad value, or a key the type does not take.</exception>
    public static RunMount Parse(string spec, Func<string, string>? expand = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var type = RunMountType.Bind;
        string? target = null, source = null, from = null, id = null, env = null;
        var sharing = CacheSharing.Shared;
        bool? readOnly = null;
        var required = false;
        uint? mode = null, uid = null, gid = null;
        long? size = null;
        var sharingGiven = false;

        foreach (var field in SplitCsv(spec))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            var key = (equals < 0 ? field : field[..equals]).ToLowerInvariant();
            if (equals < 0)
            {
                switch (key)
                {
                    case "readonly" or "ro":
                        readOnly = true;
                        continue;
                    case "readwrite" or "rw":
                        readOnly = false;
                        continue;
                    case "required":
                        RequireSecretOrSsh(key, type);
                        required = true;
                        continue;
                    default:
                        throw new InvalidArgumentException($"mount field '{field}' must be a key=value pair");
                }
            }

            var value = field[(equals + 1)..];
            if (key == "from" && value.IndexOf('$', StringComparison.Ordinal) is var dollar && dollar >= 0 && dollar != value.Length - 1)
            {
                throw new InvalidArgumentException($"mount key 'from' does not take variables ('{value}'): define an alias stage and name it instead");
            }

            var deferred = false;
            if (expand is not null)
            {
                value = expand(value);
            }
            else
            {
                deferred = value.Contains('$', StringComparison.Ordinal);
            }

            switch (key)
            {
                case "type":
                    if (!deferred)
                    {
                        type = ParseType(value);
                    }

                    break;
                case "from":
                    from = value;
                    break;
                case "source" or "src":
                    source = value;
                    break;
                case "target" or "dst" or "destination":
                    target = value;
                    break;
                case "readonly" or "ro":
                    if (!deferred)
                    {
                        readOnly = ParseBool(key, value);
                    }

                    break;
                case "readwrite" or "rw":
                    if (!deferred)
                    {
                        readOnly = !ParseBool(key, value);
                    }

                    break;
                case "required":
                    RequireSecretOrSsh(key, type);
                    if (!deferred)
                    {
                        required = ParseBool(key, value);
                    }

                    break;
                case "size":
                    if (type != RunMountType.Tmpfs)
                    {
                        throw new InvalidArgumentException($"mount key 'size' is only for type=tmpfs, not type={Name(type)}");
                    }

                    if (!deferred)
                    {
                        size = ParseSize(value);
                    }

                    break;
                case "id":
                    id = value;
                    break;
                case "sharing":
                    sharingGiven = true;
                    if (!deferred)
                    {
                        sharing = ParseSharing(value);
                    }

                    break;
                case "mode":
                    if (!deferred)
                    {
                        mode = ParseNumber(key, value, 8);
                    }

                    break;
                case "uid":
                    if (!deferred)
                    {
                        uid = ParseNumber(key, value, 10);
                    }

                    break;
                case "gid":
                    if (!deferred)
                    {
                        gid = ParseNumber(key, value, 10);
                    }

                    break;
                case "env":
                    env = value;
                    break;
                default:
                    var hint = Suggestions.Closest(key, Keys);
                    throw new InvalidArgumentException(
                        $"unknown mount key '{key}' in '{field}'{(hint is null ? string.Empty : $"; did you mean '{hint}'?")}");
            }
        }

        Validate(type, mode, uid, gid, from, source, target, id, sharingGiven);
        readOnly ??= type is not (RunMountType.Cache or RunMountType.Tmpfs);
        return new RunMount(spec, type, target, source, from, id, sharing, readOnly.Value, mode, uid, gid, required, size, env);
    }

    /// <summary>This mount with every value expanded by <paramref name="expand"/> (e.g. the builder's ARG/ENV expansion), parsed again.</summary>
    /// <exception cref="InvalidArgumentException">An expanded value is not valid for its key.</exception>
    public RunMount Expand(Func<string, string> expand)
    {
        ArgumentNullException.ThrowIfNull(expand);
        return HasVariables ? Parse(Spec, expand) : this;
    }

    private static void Validate(
        RunMountType type, uint? mode, uint? uid, uint? gid, string? from, string? source, string? target, string? id, bool sharingGiven)
    {
        if (type is not (RunMountType.Cache or RunMountType.Secret or RunMountType.Ssh))
        {
            var key = mode is not null ? "mode" : uid is not null ? "uid" : gid is not null ? "gid" : null;
            if (key is not null)
            {
                throw new InvalidArgumentException($"mount key '{key}' is not allowed for type={Name(type)}: only cache, secret and ssh mounts take it");
            }
        }

        if (type == RunMountType.Secret)
        {
            if (from is not null)
            {
                throw new InvalidArgumentException("a secret mount takes no 'from'");
            }

            if (sharingGiven)
            {
                throw new InvalidArgumentException("a secret mount takes no 'sharing'");
            }

            if (source is null && target is null && id is null)
            {
                throw new InvalidArgumentException("a secret mount needs an 'id', a 'source' or a 'target'");
            }

            if (source is not null && id is not null)
            {
                throw new InvalidArgumentException("a secret mount takes 'source' or 'id', not both");
            }
        }

        if (sharingGiven && type != RunMountType.Cache)
        {
            throw new InvalidArgumentException($"mount key 'sharing' is only for type=cache, not type={Name(type)}");
        }

        if (target is null && type is RunMountType.Bind or RunMountType.Cache or RunMountType.Tmpfs)
        {
            throw new InvalidArgumentException($"a {Name(type)} mount needs a 'target'");
        }
    }

    private static void RequireSecretOrSsh(string key, RunMountType type)
    {
        if (type is not (RunMountType.Secret or RunMountType.Ssh))
        {
            throw new InvalidArgumentException($"mount key '{key}' is only for secret and ssh mounts, not type={Name(type)}");
        }
    }

    private static string Name(RunMountType type) => type.ToString().ToLowerInvariant();

    private static RunMountType ParseType(string value) => value.ToLowerInvariant() switch
    {
        "bind" => RunMountType.Bind,
        "cache" => RunMountType.Cache,
        "tmpfs" => RunMountType.Tmpfs,
        "secret" => RunMountType.Secret,
        "ssh" => RunMountType.Ssh,
        _ => throw new InvalidArgumentException(
            $"unsupported mount type '{value}': use bind, cache, tmpfs, secret or ssh"
            + (Suggestions.Closest(value.ToLowerInvariant(), ["bind", "cache", "tmpfs", "secret", "ssh"]) is { } t ? $" (did you mean '{t}'?)" : string.Empty)),
    };

    private static CacheSharing ParseSharing(string value) => value.ToLowerInvariant() switch
    {
        "shared" => CacheSharing.Shared,
        "private" => CacheSharing.Private,
        "locked" => CacheSharing.Locked,
        _ => throw new InvalidArgumentException($"unsupported cache sharing '{value}': use shared, private or locked"),
    };

    private static bool ParseBool(string key, string value) => value.ToLowerInvariant() switch
    {
        "1" or "t" or "true" => true,
        "0" or "f" or "false" => false,
        _ => throw new InvalidArgumentException($"mount key '{key}' takes true or false, not '{value}'"),
    };

    private static uint ParseNumber(string key, string value, int radix)
    {
        try
        {
            if (value.Length > 0 && value.All(c => radix == 8 ? c is >= '0' and <= '7' : char.IsAsciiDigit(c)))
            {
                var n = Convert.ToUInt64(value, radix);
                if (n <= uint.MaxValue)
                {
                    return (uint)n;
                }
            }
        }
        catch (OverflowException)
        {
        }

        throw new InvalidArgumentException(
            $"mount key '{key}' takes a{(radix == 8 ? "n octal" : " decimal")} number up to {uint.MaxValue}, not '{value}'");
    }

    // docker/go-units RAMInBytes: a number with an optional b/k/m/g/t/p unit, powers of 1024.
    private static long ParseSize(string value)
    {
        var text = value.Trim().ToLowerInvariant();
        if (text.EndsWith("ib", StringComparison.Ordinal) || (text.EndsWith('b') && text.Length > 1 && !char.IsAsciiDigit(text[^2])))
        {
            text = text[..^(text.EndsWith("ib", StringComparison.Ordinal) ? 2 : 1)];
        }

        long multiplier = 1;
        if (text.Length > 0 && "bkmgtp".IndexOf(text[^1], StringComparison.Ordinal) is var unit and >= 0)
        {
            multiplier = 1L << (10 * unit);
            text = text[..^1];
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number < 0)
        {
            throw new InvalidArgumentException($"mount key 'size' takes a size like 64m or 1g, not '{value}'");
        }

        return checked((long)(number * multiplier));
    }

    // The value is CSV, as BuildKit reads it: commas split fields, a double-quoted field may hold
    // commas, and "" inside quotes is one quote.
    private static List<string> SplitCsv(string spec)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < spec.Length; i++)
        {
            var c = spec[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < spec.Length && spec[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            throw new InvalidArgumentException($"mount '{spec}' has an unclosed double quote");
        }

        fields.Add(field.ToString());
        return fields.Where(f => f.Length > 0).ToList();
    }
}
