using System.Collections.Immutable;

namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// Turns one logical line (and the heredoc bodies read after it) into an <see cref="Instruction"/>,
/// checking its flags and arguments the way the reference and BuildKit do. Nothing is expanded.
/// </summary>
internal sealed class InstructionParser(string fileName, char escape, List<DockerfileWarning> warnings)
{
    private static readonly string[] Keywords =
    [
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
        "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    ];

    private static readonly Dictionary<string, BuilderFlags.Kind> NoFlags = [];

    private static readonly Dictionary<string, BuilderFlags.Kind> FromFlags = new()
    {
        ["platform"] = BuilderFlags.Kind.String,
    };

    private static readonly Dictionary<string, BuilderFlags.Kind> RunFlags = new()
    {
        ["mount"] = BuilderFlags.Kind.Strings,
        ["network"] = BuilderFlags.Kind.String,
        ["security"] = BuilderFlags.Kind.String,
    };

    private static readonly Dictionary<string, string> RunUnsupported = new()
    {
        ["device"] = "devices are not given to build steps by this builder",
    };

    private static readonly Dictionary<string, BuilderFlags.Kind> CopyFlags = new()
    {
        ["from"] = BuilderFlags.Kind.String,
        ["chown"] = BuilderFlags.Kind.String,
        ["chmod"] = BuilderFlags.Kind.String,
        ["link"] = BuilderFlags.Kind.Bool,
    };

    private static readonly Dictionary<string, string> CopyUnsupported = new()
    {
        ["parents"] = "it needs the labs Dockerfile syntax, which this builder does not implement",
        ["exclude"] = "it needs the labs Dockerfile syntax, which this builder does not implement; use .dockerignore",
    };

    private static readonly Dictionary<string, BuilderFlags.Kind> AddFlags = new()
    {
        ["chown"] = BuilderFlags.Kind.String,
        ["chmod"] = BuilderFlags.Kind.String,
        ["link"] = BuilderFlags.Kind.Bool,
        ["checksum"] = BuilderFlags.Kind.String,
        ["keep-git-dir"] = BuilderFlags.Kind.Bool,
    };

    private static readonly Dictionary<string, string> AddUnsupported = new()
    {
        ["exclude"] = "it needs the labs Dockerfile syntax, which this builder does not implement; use .dockerignore",
        ["unpack"] = "this builder extracts local archives always and remote ones never, as the reference's default does",
    };

    private static readonly Dictionary<string, BuilderFlags.Kind> HealthcheckFlags = new()
    {
        ["interval"] = BuilderFlags.Kind.String,
        ["timeout"] = BuilderFlags.Kind.String,
        ["start-period"] = BuilderFlags.Kind.String,
        ["start-interval"] = BuilderFlags.Kind.String,
        ["retries"] = BuilderFlags.Kind.String,
    };

    public DockerfileParseException Error(LogicalLine line, int offset, string problem) =>
        new(fileName, line.LocationOf(offset), problem);

    /// <summary>
    /// The heredocs the line opens: only RUN, COPY and ADD (also behind ONBUILD) in their shell
    /// form take them; anywhere else <c>&lt;&lt;</c> is plain text.
    /// </summary>
    public List<HeredocOpener> HeredocOpeners(LogicalLine line)
    {
        var (keyword, argumentsOffset) = SplitKeyword(line.Text);
        var upper = keyword.ToUpperInvariant();
        var text = line.Text;
        if (upper == "ONBUILD")
        {
            text = text[argumentsOffset..];
            (keyword, argumentsOffset) = SplitKeyword(text);
            upper = keyword.ToUpperInvariant();
        }

        if (upper is not ("RUN" or "COPY" or "ADD"))
        {
            return [];
        }

        var flags = BuilderFlags.Extract(text[argumentsOffset..], escape);
        var arguments = text[(argumentsOffset + flags.ArgumentsOffset)..];
        if (DockerfileWords.TryParseJsonArray(arguments, out _) != DockerfileWords.JsonForm.NotJson)
        {
            return [];
        }

        return HeredocOpener.FindAll(text, escape);
    }

    public Instruction Parse(LogicalLine line, IReadOnlyList<(HeredocOpener Opener, Heredoc Heredoc)> heredocs)
    {
        var (keyword, argumentsOffset) = SplitKeyword(line.Text);
        var upper = keyword.ToUpperInvariant();
        if (upper == "ONBUILD")
        {
            return ParseOnBuild(line, argumentsOffset, heredocs);
        }

        var flags = BuilderFlags.Extract(line.Text[argumentsOffset..], escape);
        var start = argumentsOffset + flags.ArgumentsOffset;
        var arguments = new Arguments(line, start, line.Text[start..].TrimEnd(), flags, argumentsOffset);
        return upper switch
        {
            "FROM" => ParseFrom(arguments),
            "RUN" => ParseRun(arguments, heredocs),
            "CMD" => new CmdInstruction(line.Start, line.Text, Command(arguments, "CMD", flagsChecked: false)),
            "ENTRYPOINT" => new EntrypointInstruction(line.Start, line.Text, Command(arguments, "ENTRYPOINT", flagsChecked: false)),
            "COPY" => ParseCopy(arguments, heredocs),
            "ADD" => ParseAdd(arguments, heredocs),
            "ENV" => new EnvInstruction(line.Start, line.Text, KeyValues(arguments, "ENV")),
            "LABEL" => new LabelInstruction(line.Start, line.Text, KeyValues(arguments, "LABEL")),
            "ARG" => ParseArg(arguments),
            "WORKDIR" => new WorkdirInstruction(line.Start, line.Text, OneArgument(arguments, "WORKDIR", "a path")),
            "USER" => new UserInstruction(line.Start, line.Text, OneArgument(arguments, "USER", "a user name or uid, optionally with :group")),
            "STOPSIGNAL" => new StopSignalInstruction(line.Start, line.Text, OneArgument(arguments, "STOPSIGNAL", "a signal name or number")),
            "MAINTAINER" => ParseMaintainer(arguments),
            "EXPOSE" => ParseExpose(arguments),
            "VOLUME" => ParseVolume(arguments),
            "SHELL" => ParseShell(arguments),
            "HEALTHCHECK" => ParseHealthcheck(arguments),
            _ => throw Error(line, 0, UnknownInstruction(keyword)),
        };
    }

    /// <summary>The keyword (first blank-delimited word) and where the rest starts.</summary>
    public static (string Keyword, int ArgumentsOffset) SplitKeyword(string text)
    {
        var end = 0;
        while (end < text.Length && !DockerfileWords.IsBlank(text[end]))
        {
            end++;
        }

        var rest = end;
        while (rest < text.Length && DockerfileWords.IsBlank(text[rest]))
        {
            rest++;
        }

        return (text[..end], rest);
    }

    private static string UnknownInstruction(string keyword)
    {
        var hint = Suggestions.Closest(keyword.ToUpperInvariant(), Keywords);
        return hint is null
            ? $"unknown instruction '{keyword}'; the instructions are {string.Join(", ", Keywords)}"
            : $"unknown instruction '{keyword}'; did you mean '{hint}'?";
    }

    private void CheckFlags(Arguments a, string keyword, Dictionary<string, BuilderFlags.Kind> allowed, Dictionary<string, string>? unsupported = null)
    {
        if (a.Flags.Check(keyword, allowed, unsupported) is { } problem)
        {
            throw Error(a.Line, a.FlagsOffset + problem.Flag.Offset, problem.Problem);
        }
    }

    private FromInstruction ParseFrom(Arguments a)
    {
        CheckFlags(a, "FROM", FromFlags);
        var words = DockerfileWords.SplitWhitespace(a.Text);
        if (words.Count == 0)
        {
            throw a.ErrorAtStart(this, "FROM needs an image: write FROM image[:tag] [AS name], or FROM scratch");
        }

        string? stageName = null;
        if (words.Count == 3 && words[1].Text.Equals("AS", StringComparison.OrdinalIgnoreCase))
        {
            stageName = words[2].Text.ToLowerInvariant();
            if (!IsValidStageName(stageName))
            {
                throw a.ErrorAt(this, words[2], $"stage name '{words[2].Text}' is not valid: it must start with a letter and hold only letters, digits, '-', '_' and '.'");
            }
        }
        else if (words.Count != 1)
        {
            var at = words.Count >= 2 ? words[1] : words[0];
            throw a.ErrorAt(this, at, $"FROM takes an image and optionally 'AS name', not {words.Count} words: write FROM [--platform=…] image [AS name]");
        }

        return new FromInstruction(a.Line.Start, a.Line.Text, words[0].Text, stageName, a.Flags.String("platform"));
    }

    private static bool IsValidStageName(string name) =>
        name.Length > 0 && char.IsAsciiLetterLower(name[0])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.');

    private RunInstruction ParseRun(Arguments a, IReadOnlyList<(HeredocOpener Opener, Heredoc Heredoc)> heredocs)
    {
        CheckFlags(a, "RUN", RunFlags, RunUnsupported);
        var mounts = ImmutableArray.CreateBuilder<RunMount>();
        foreach (var (spec, offset) in a.Flags.Strings("mount"))
        {
            try
            {
                mounts.Add(RunMount.Parse(spec));
            }
            catch (Containers.Errors.InvalidArgumentException e)
            {
                throw Error(a.Line, a.FlagsOffset + offset, $"RUN --mount={spec}: {e.Message}");
            }
        }

        var network = a.Flags.String("network")?.ToLowerInvariant() switch
        {
            null or "default" => RunNetwork.Default,
            "none" => RunNetwork.None,
            "host" => RunNetwork.Host,
            _ => throw Error(a.Line, a.FlagsOffset + a.Flags.OffsetOf("network"),
                $"RUN --network={a.Flags.String("network")} is not a network mode: use default, none or host"),
        };
        var security = a.Flags.String("security")?.ToLowerInvariant() switch
        {
            null or "sandbox" => RunSecurity.Sandbox,
            "insecure" => RunSecurity.Insecure,
            _ => throw Error(a.Line, a.FlagsOffset + a.Flags.OffsetOf("security"),
                $"RUN --security={a.Flags.String("security")} is not a security mode: use sandbox or insecure"),
        };
        var command = Command(a, "RUN", flagsChecked: true);
        return new RunInstruction(
            a.Line.Start, a.Line.Text, command, mounts.ToImmutable(), network, security, [.. heredocs.Select(h => h.Heredoc)]);
    }

    // The exec form when the arguments are a JSON array of strings, else the shell form as written.
    private ShellOrExec Command(Arguments a, string keyword, bool flagsChecked)
    {
        if (!flagsChecked)
        {
            CheckFlags(a, keyword, NoFlags);
        }

        switch (DockerfileWords.TryParseJsonArray(a.Text, out var values))
        {
            case DockerfileWords.JsonForm.Strings:
                if (values.IsEmpty && keyword == "RUN")
                {
                    throw a.ErrorAtStart(this, "RUN [] has no command: give the program and its arguments");
                }

                return new ShellOrExec.Exec(values);
            case DockerfileWords.JsonForm.NotStrings:
                throw a.ErrorAtStart(this, $"{keyword}'s JSON array must hold only strings: quote every element");
            default:
                if (a.Text.Length == 0)
                {
                    throw a.ErrorAtStart(this, keyword == "RUN"
                        ? "RUN needs a command"
                        : $"{keyword} needs a command: write {keyword} [\"program\", \"arg\"] (or {keyword} [] to clear it)");
                }

                return new ShellOrExec.Shell(a.Text);
        }
    }

    private CopyInstruction ParseCopy(Arguments a, IReadOnlyList<(HeredocOpener Opener, Heredoc Heredoc)> heredocs)
    {
        CheckFlags(a, "COPY", CopyFlags, CopyUnsupported);
        var (sources, destination) = SourcesAndDestination(a, "COPY", heredocs);
        return new CopyInstruction(
            a.Line.Start, a.Line.Text, sources, destination,
            a.Flags.String("from"), a.Flags.String("chown"), a.Flags.String("chmod"), a.Flags.Bool("link"));
    }

    private AddInstruction ParseAdd(Arguments a, IReadOnlyList<(HeredocOpener Opener, Heredoc Heredoc)> heredocs)
    {
        CheckFlags(a, "ADD", AddFlags, AddUnsupported);
        var (sources, destination) = SourcesAndDestination(a, "ADD", heredocs);
        return new AddInstruction(
            a.Line.Start, a.Line.Text, sources, destination,
            a.Flags.String("chown"), a.Flags.String("chmod"), a.Flags.Bool("link"),
            a.Flags.String("checksum"), a.Flags.Bool("keep-git-dir"));
    }

    private (ImmutableArray<CopySource> Sources, string Destination) SourcesAndDestination(
        Arguments a, string keyword, IReadOnlyList<(HeredocOpener Opener, Heredoc Heredoc)> heredocs)
    {
        List<Word> words;
        var json = DockerfileWords.TryParseJsonArray(a.Text, out var values);
        switch (json)
        {
            case DockerfileWords.JsonForm.Strings:
                words = [.. values.Select(v => new Word(v, 0))];
                break;
            case DockerfileWords.JsonForm.NotStrings:
                throw a.ErrorAtStart(this, $"{keyword}'s JSON array must hold only strings: quote every element");
            default:
                words = DockerfileWords.SplitWhitespace(a.Text);
                break;
        }

        if (words.Count < 2)
        {
            throw a.ErrorAtStart(this, $"{keyword} needs at least one source and a destination: write {keyword} src… dest");
        }

        var destination = words[^1];
        if (json == DockerfileWords.JsonForm.NotJson && HeredocOpener.TryParse(destination.Text, escape) is not null)
        {
            throw a.ErrorAt(this, destination, $"{keyword} cannot take a heredoc as its destination: the last word must be a path");
        }

        var byName = new Dictionary<string, Heredoc>(StringComparer.Ordinal);
        foreach (var (opener, heredoc) in heredocs)
        {
            byName[opener.Name] = heredoc;
        }

        var sources = ImmutableArray.CreateBuilder<CopySource>(words.Count - 1);
        foreach (var word in words.Take(words.Count - 1))
        {
            if (json == DockerfileWords.JsonForm.NotJson
                && HeredocOpener.TryParse(word.Text, escape) is { } opener
                && byName.TryGetValue(opener.Name, out var heredoc))
            {
                sources.Add(new HeredocSource(heredoc));
            }
            else
            {
                sources.Add(new PathSource(word.Text));
            }
        }

        return (sources.MoveToImmutable(), destination.Text);
    }

    // ENV and LABEL: "k=v k2=v2" (quotes kept for the expander), or the legacy "k v w".
    private ImmutableArray<KeyValuePair<string, string>> KeyValues(Arguments a, string keyword)
    {
        CheckFlags(a, keyword, NoFlags);
        var words = DockerfileWords.SplitQuoted(a.Text, escape);
        if (words.Count == 0)
        {
            throw a.ErrorAtStart(this, $"{keyword} needs at least one name=value pair");
        }

        if (!words[0].Text.Contains('=', StringComparison.Ordinal))
        {
            var (name, valueOffset) = SplitKeyword(a.Text);
            if (valueOffset >= a.Text.Length)
            {
                throw a.ErrorAt(this, words[0], $"{keyword} {name} has no value: write {keyword} {name}=value");
            }

            warnings.Add(new DockerfileWarning(
                a.Line.Start, $"{keyword} {name} … uses the legacy 'key value' form; write {keyword} {name}=value"));
            return [new KeyValuePair<string, string>(name, a.Text[valueOffset..])];
        }

        var pairs = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>(words.Count);
        foreach (var word in words)
        {
            var equals = word.Text.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                throw a.ErrorAt(this, word, $"{keyword} word '{word.Text}' has no '=': write name=value (quote values with spaces)");
            }

            if (equals == 0)
            {
                throw a.ErrorAt(this, word, $"{keyword} '{word.Text}' has an empty name: write name=value");
            }

            pairs.Add(new KeyValuePair<string, string>(word.Text[..equals], word.Text[(equals + 1)..]));
        }

        return pairs.MoveToImmutable();
    }

    private ArgInstruction ParseArg(Arguments a)
    {
        CheckFlags(a, "ARG", NoFlags);
        var words = DockerfileWords.SplitQuoted(a.Text, escape);
        if (words.Count == 0)
        {
            throw a.ErrorAtStart(this, "ARG needs a name: write ARG name or ARG name=default");
        }

        var declarations = ImmutableArray.CreateBuilder<ArgDeclaration>(words.Count);
        foreach (var word in words)
        {
            var equals = word.Text.IndexOf('=', StringComparison.Ordinal);
            if (equals == 0)
            {
                throw a.ErrorAt(this, word, $"ARG '{word.Text}' has an empty name: write ARG name=default");
            }

            declarations.Add(equals < 0
                ? new ArgDeclaration(word.Text, null)
                : new ArgDeclaration(word.Text[..equals], word.Text[(equals + 1)..]));
        }

        return new ArgInstruction(a.Line.Start, a.Line.Text, declarations.MoveToImmutable());
    }

    private string OneArgument(Arguments a, string keyword, string what)
    {
        CheckFlags(a, keyword, NoFlags);
        if (a.Text.Length == 0)
        {
            throw a.ErrorAtStart(this, $"{keyword} needs {what}");
        }

        return a.Text;
    }

    private MaintainerInstruction ParseMaintainer(Arguments a)
    {
        var name = OneArgument(a, "MAINTAINER", "a name");
        warnings.Add(new DockerfileWarning(a.Line.Start, "MAINTAINER is deprecated: write LABEL org.opencontainers.image.authors=\"…\""));
        return new MaintainerInstruction(a.Line.Start, a.Line.Text, name);
    }

    private ExposeInstruction ParseExpose(Arguments a)
    {
        CheckFlags(a, "EXPOSE", NoFlags);
        var words = DockerfileWords.SplitWhitespace(a.Text);
        if (words.Count == 0)
        {
            throw a.ErrorAtStart(this, "EXPOSE needs at least one port: write EXPOSE 80 or EXPOSE 53/udp");
        }

        return new ExposeInstruction(a.Line.Start, a.Line.Text, [.. words.Select(w => w.Text)]);
    }

    private VolumeInstruction ParseVolume(Arguments a)
    {
        CheckFlags(a, "VOLUME", NoFlags);
        var paths = DockerfileWords.TryParseJsonArray(a.Text, out var values) switch
        {
            DockerfileWords.JsonForm.Strings => [.. values.Select(v => v.Trim())],
            DockerfileWords.JsonForm.NotStrings => throw a.ErrorAtStart(this, "VOLUME's JSON array must hold only strings: quote every path"),
            _ => DockerfileWords.SplitWhitespace(a.Text).Select(w => w.Text).ToList(),
        };
        if (paths.Count == 0)
        {
            throw a.ErrorAtStart(this, "VOLUME needs at least one path");
        }

        if (paths.Any(p => p.Length == 0))
        {
            throw a.ErrorAtStart(this, "VOLUME paths cannot be empty");
        }

        return new VolumeInstruction(a.Line.Start, a.Line.Text, [.. paths]);
    }

    private ShellInstruction ParseShell(Arguments a)
    {
        CheckFlags(a, "SHELL", NoFlags);
        if (DockerfileWords.TryParseJsonArray(a.Text, out var values) != DockerfileWords.JsonForm.Strings || values.IsEmpty)
        {
            throw a.ErrorAtStart(this, "SHELL needs a JSON array of strings, e.g. SHELL [\"/bin/sh\", \"-c\"]");
        }

        return new ShellInstruction(a.Line.Start, a.Line.Text, values);
    }

    private HealthcheckInstruction ParseHealthcheck(Arguments a)
    {
        var (type, commandOffset) = SplitKeyword(a.Text);
        switch (type.ToUpperInvariant())
        {
            case "NONE":
                if (a.Flags.Any)
                {
                    throw Error(a.Line, a.FlagsOffset + a.Flags.First.Offset, "HEALTHCHECK NONE takes no flags");
                }

                if (commandOffset < a.Text.Length)
                {
                    throw a.ErrorAt(this, new Word(a.Text[commandOffset..], commandOffset), "HEALTHCHECK NONE takes no arguments");
                }

                return new HealthcheckInstruction(a.Line.Start, a.Line.Text, null, null, null, null, null, null);
            case "CMD":
                CheckFlags(a, "HEALTHCHECK", HealthcheckFlags);
                var command = Command(a.Skip(commandOffset), "HEALTHCHECK CMD", flagsChecked: true);
                return new HealthcheckInstruction(
                    a.Line.Start,
                    a.Line.Text,
                    command,
                    Duration(a, "interval"),
                    Duration(a, "timeout"),
                    Duration(a, "start-period"),
                    Duration(a, "start-interval"),
                    Retries(a));
            case "":
                throw a.ErrorAtStart(this, "HEALTHCHECK needs CMD command or NONE");
            default:
                throw a.ErrorAtStart(this, $"unknown HEALTHCHECK type '{type}': write HEALTHCHECK [flags] CMD command, or HEALTHCHECK NONE");
        }
    }

    private TimeSpan? Duration(Arguments a, string flag)
    {
        var text = a.Flags.String(flag);
        if (text is null || text.Length == 0)
        {
            return null;
        }

        if (!GoDuration.TryParse(text, out var duration))
        {
            throw Error(a.Line, a.FlagsOffset + a.Flags.OffsetOf(flag),
                $"HEALTHCHECK --{flag}={text} is not a duration: write a number with a unit, e.g. 30s, 1m30s or 500ms");
        }

        if (duration != TimeSpan.Zero && duration < TimeSpan.FromMilliseconds(1))
        {
            throw Error(a.Line, a.FlagsOffset + a.Flags.OffsetOf(flag), $"HEALTHCHECK --{flag}={text} is less than 1ms");
        }

        return duration;
    }

    private int? Retries(Arguments a)
    {
        var text = a.Flags.String("retries");
        if (text is null || text.Length == 0)
        {
            return null;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var retries) || retries < 0)
        {
            throw Error(a.Line, a.FlagsOffset + a.Flags.OffsetOf("retries"), $"HEALTHCHECK --retries={text} is not a count: give a whole number, 0 or more");
        }

        return retries;
    }

    private OnBuildInstruction ParseOnBuild(LogicalLine line, int argumentsOffset, IReadOnlyList<(HeredocOpener Opener, Heredoc Heredoc)> heredocs)
    {
        if (argumentsOffset >= line.Text.Length)
        {
            throw Error(line, 0, "ONBUILD needs an instruction to run in later builds, e.g. ONBUILD COPY . /app");
        }

        var flags = BuilderFlags.Extract(line.Text[argumentsOffset..], escape);
        if (flags.Any)
        {
            throw Error(line, argumentsOffset + flags.First.Offset, $"unknown flag {flags.First.Text.Split('=')[0]}: ONBUILD takes no flags");
        }

        var inner = line.From(argumentsOffset);
        var (keyword, _) = SplitKeyword(inner.Text);
        switch (keyword.ToUpperInvariant())
        {
            case "ONBUILD":
                throw Error(inner, 0, "ONBUILD ONBUILD is not allowed: a trigger cannot add triggers");
            case "FROM" or "MAINTAINER":
                throw Error(inner, 0, $"{keyword.ToUpperInvariant()} is not allowed as an ONBUILD trigger");
        }

        var trigger = Parse(inner, heredocs);
        var text = inner.Text;
        if (heredocs.Count > 0)
        {
            var builder = new System.Text.StringBuilder(text);
            foreach (var (opener, heredoc) in heredocs)
            {
                builder.Append('\n').Append(heredoc.Content).Append(opener.Name);
            }

            text = builder.ToString();
        }

        return new OnBuildInstruction(line.Start, line.Text, trigger, text);
    }

    /// <summary>The arguments after the keyword and flags, with their place in the line.</summary>
    private sealed record Arguments(LogicalLine Line, int Offset, string Text, BuilderFlags Flags, int FlagsOffset)
    {
        public Arguments Skip(int count) => this with { Offset = Offset + count, Text = Text[count..] };

        public DockerfileParseException ErrorAtStart(InstructionParser parser, string problem) =>
            parser.Error(Line, Text.Length == 0 ? 0 : Offset, problem);

        public DockerfileParseException ErrorAt(InstructionParser parser, Word word, string problem) =>
            parser.Error(Line, Offset + word.Offset, problem);
    }
}
