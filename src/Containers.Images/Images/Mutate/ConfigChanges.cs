using System.Text;
using System.Text.Json;
using Containers.Errors;

namespace Containers.Images;

/// <summary>
/// The Dockerfile instructions that change only an image's config, given as lines the way
/// <c>docker commit --change</c> and <c>docker import --change</c> take them: <c>CMD</c>,
/// <c>ENTRYPOINT</c>, <c>ENV</c>, <c>EXPOSE</c>, <c>LABEL</c>, <c>ONBUILD</c>, <c>STOPSIGNAL</c>,
/// <c>USER</c>, <c>VOLUME</c> and <c>WORKDIR</c>. They follow the Dockerfile's rules: the JSON
/// form of CMD and ENTRYPOINT is exec form, anything else runs through the image's shell
/// (<c>/bin/sh -c</c>); ENTRYPOINT clears the CMD unless a CMD is among the changes; a relative
/// WORKDIR is taken from the current one; quotes and backslashes in ENV and LABEL words are
/// shell-like.
/// </summary>
public static class ConfigChanges
{
    private static readonly string[] DefaultShell = ["/bin/sh", "-c"];

    /// <summary>The instructions <see cref="Apply(ContainerConfig, IEnumerable{string})"/> understands.</summary>
    public static IReadOnlyList<string> Instructions { get; } = ["CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "ONBUILD", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"];

    /// <summary>Applies <paramref name="changes"/> to an image's container config; returns a new image.</summary>
    public static IImage Apply(IImage image, IEnumerable<string> changes)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(changes);
        var list = changes.ToList();
        return list.Count == 0 ? image : Mutate.WithContainerConfig(image, c => Apply(c, list));
    }

    /// <summary>Applies <paramref name="changes"/>, one instruction per line, in order.</summary>
    /// <exception cref="InvalidArgumentException">A line is not one of <see cref="Instructions"/>, or its arguments are malformed.</exception>
    public static ContainerConfig Apply(ContainerConfig config, IEnumerable<string> changes)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(changes);
        var cmdSet = false;
        foreach (var line in changes)
        {
            ArgumentNullException.ThrowIfNull(line);
            var trimmed = line.Trim();
            var space = trimmed.IndexOfAny([' ', '\t']);
            var instruction = (space < 0 ? trimmed : trimmed[..space]).ToUpperInvariant();
            var rest = space < 0 ? string.Empty : trimmed[(space + 1)..].Trim();
            if (rest.Length == 0)
            {
                throw Invalid(line, instruction.Length == 0 ? "it is empty" : $"{instruction} needs arguments");
            }

            switch (instruction)
            {
                case "CMD":
                    config = config with { Cmd = Command(config, rest) };
                    cmdSet = true;
                    break;
                case "ENTRYPOINT":
                    // As in a Dockerfile: a new entrypoint drops the old CMD, which was meant for the old one.
                    config = config with { Entrypoint = Command(config, rest), Cmd = cmdSet ? config.Cmd : null };
                    break;
                case "ENV":
                    config = config with { Env = Mutate.MergeEnv(config.Env, Pairs(line, rest).Select(p => $"{p.Key}={p.Value}")) };
                    break;
                case "LABEL":
                    config = config with { Labels = Mutate.MergeLabels(config.Labels, Pairs(line, rest).Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))) };
                    break;
                case "EXPOSE":
                    config = config with { ExposedPorts = Mutate.MergePorts(config.ExposedPorts, Words(line, rest).SelectMany(w => Ports(line, w))) };
                    break;
                case "VOLUME":
                    var volumes = new SortedDictionary<string, EmptyObject>(StringComparer.Ordinal);
                    foreach (var (key, value) in config.Volumes ?? new Dictionary<string, EmptyObject>())
                    {
                        volumes[key] = value;
                    }

                    foreach (var volume in (IEnumerable<string>?)TryJsonArray(rest) ?? Words(line, rest))
                    {
                        volumes[volume] = EmptyObject.Instance;
                    }

                    config = config with { Volumes = volumes };
                    break;
                case "WORKDIR":
                    config = config with { WorkingDir = WorkingDir(config.WorkingDir, rest) };
                    break;
                case "USER":
                    config = config with { User = rest };
                    break;
                case "STOPSIGNAL":
                    config = config with { StopSignal = rest };
                    break;
                case "ONBUILD":
                    config = config with { OnBuild = [.. config.OnBuild ?? [], rest] };
                    break;
                default:
                    throw Invalid(line, $"\"{instruction}\" is not an instruction a change can make; use one of {string.Join(", ", Instructions)}");
            }
        }

        return config;
    }

    private static InvalidArgumentException Invalid(string line, string why) =>
        new($"change \"{line}\" is not valid: {why}");

    /// <summary>Exec form (a JSON array of strings) as it is; shell form through the image's shell.</summary>
    private static string[] Command(ContainerConfig config, string rest) =>
        TryJsonArray(rest) ?? [.. config.Shell is { Count: > 0 } shell ? shell : DefaultShell, rest];

    private static string[]? TryJsonArray(string text)
    {
        if (!text.StartsWith('['))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            var array = document.RootElement;
            if (array.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                return null;
            }

            return [.. array.EnumerateArray().Select(e => e.GetString()!)];
        }
        catch (JsonException)
        {
            // Not JSON: the Dockerfile takes it as shell form.
            return null;
        }
    }

    private static string WorkingDir(string? current, string directory)
    {
        if (directory.StartsWith('/'))
        {
            return directory;
        }

        return Path.Join(string.IsNullOrEmpty(current) ? "/" : current, directory);
    }

    /// <summary><c>KEY=value …</c> (each word shell-unquoted), or the old <c>KEY value with spaces</c> form.</summary>
    private static List<KeyValuePair<string, string>> Pairs(string line, string rest)
    {
        var words = Words(line, rest);
        if (!words[0].Contains('=', StringComparison.Ordinal))
        {
            var space = rest.IndexOfAny([' ', '\t']);
            if (space < 0)
            {
                throw Invalid(line, $"\"{rest}\" has no value; write KEY=value");
            }

            return [new(rest[..space], Unquote(line, rest[(space + 1)..].TrimStart()))];
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var word in words)
        {
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Invalid(line, $"\"{word}\" is not of the form KEY=value");
            }

            pairs.Add(new(word[..equals], word[(equals + 1)..]));
        }

        return pairs;
    }

    /// <summary>A port, a port with its protocol, or a range of them (<c>8000-8002/udp</c>).</summary>
    internal static IEnumerable<string> Ports(string line, string word)
    {
        var slash = word.IndexOf('/', StringComparison.Ordinal);
        var numbers = slash < 0 ? word : word[..slash];
        var protocol = slash < 0 ? string.Empty : word[slash..];
        var dash = numbers.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return [Mutate.NormalizePort(word)];
        }

        if (!ushort.TryParse(numbers[..dash], out var first) || !ushort.TryParse(numbers[(dash + 1)..], out var last) || first == 0 || last < first)
        {
            throw Invalid(line, $"port range \"{word}\" must be LOW-HIGH with 1 <= LOW <= HIGH <= 65535");
        }

        return Enumerable.Range(first, last - first + 1).Select(port => Mutate.NormalizePort($"{port}{protocol}"));
    }

    /// <summary>Splits on blanks outside quotes, removing the quotes and backslash escapes, as a shell does.</summary>
    private static List<string> Words(string line, string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            i = ReadQuotedOrChar(line, text, i, word);
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>The whole of <paramref name="text"/> as one value, quotes and escapes removed.</summary>
    private static string Unquote(string line, string text)
    {
        var value = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            i = ReadQuotedOrChar(line, text, i, value);
        }

        return value.ToString();
    }

    /// <summary>Appends the character at <paramref name="i"/>, or the quoted run or escape it starts; returns the index of the last character used.</summary>
    private static int ReadQuotedOrChar(string line, string text, int i, StringBuilder into)
    {
        switch (text[i])
        {
            case '\\' when i + 1 < text.Length:
                into.Append(text[i + 1]);
                return i + 1;
            case '\'':
                var close = text.IndexOf('\'', i + 1);
                if (close < 0)
                {
                    throw Invalid(line, "a single quote is not closed");
                }

                into.Append(text, i + 1, close - i - 1);
                return close;
            case '"':
                for (var j = i + 1; j < text.Length; j++)
                {
                    if (text[j] == '\\' && j + 1 < text.Length && text[j + 1] is '"' or '\\' or '$')
                    {
                        into.Append(text[++j]);
                    }
                    else if (text[j] == '"')
                    {
                        return j;
                    }
                    else
                    {
                        into.Append(text[j]);
                    }
                }

                throw Invalid(line, "a double quote is not closed");
            default:
                into.Append(text[i]);
                return i;
        }
    }
}
