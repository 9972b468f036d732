using System.Collections.Immutable;
using System.Text;

namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// Parses Dockerfiles as the Dockerfile reference and BuildKit do: parser directives at the very
/// top, comments, line continuations with the escape character, heredocs, exec and shell forms,
/// case-insensitive instructions. Words are kept as written; see <see cref="VariableExpander"/>.
/// </summary>
public static class DockerfileParser
{
    /// <summary>The largest Dockerfile read, in bytes.</summary>
    public const int MaxBytes = 8 * 1024 * 1024;

    /// <summary>The most lines a Dockerfile may have.</summary>
    public const int MaxLines = 200_000;

    /// <summary>Parses a Dockerfile's text.</summary>
    /// <param name="content">The whole file.</param>
    /// <param name="fileName">The name errors give, e.g. <c>Dockerfile</c> or <c>build/app.Dockerfile</c>.</param>
    /// <exception cref="DockerfileParseException">The file breaks a rule; the message names the line and column.</exception>
    public static DockerfileDocument Parse(string content, string fileName = "Dockerfile")
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        if (content.Length > MaxBytes || Encoding.UTF8.GetByteCount(content) > MaxBytes)
        {
            throw new DockerfileParseException(fileName, new SourceLocation(1, 1), TooLarge(Encoding.UTF8.GetByteCount(content)));
        }

        return new Run(fileName, content).Document();
    }

    /// <summary>Parses a Dockerfile's bytes (UTF-8, with or without a byte-order mark).</summary>
    /// <exception cref="DockerfileParseException">The file is too large or breaks a rule.</exception>
    public static DockerfileDocument Parse(ReadOnlySpan<byte> utf8, string fileName = "Dockerfile")
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        if (utf8.Length > MaxBytes)
        {
            throw new DockerfileParseException(fileName, new SourceLocation(1, 1), TooLarge(utf8.Length));
        }

        return Parse(Encoding.UTF8.GetString(utf8), fileName);
    }

    /// <summary>Reads and parses a Dockerfile; errors name it by <paramref name="displayName"/> (default: the file's name).</summary>
    /// <exception cref="DockerfileParseException">The file is too large or breaks a rule.</exception>
    public static async Task<DockerfileDocument> ParseFileAsync(string path, string? displayName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var name = displayName ?? Path.GetFileName(path);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        if (stream.Length > MaxBytes)
        {
            throw new DockerfileParseException(name, new SourceLocation(1, 1), TooLarge(stream.Length));
        }

        var buffer = new byte[stream.Length];
        await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Parse(buffer, name);
    }

    /// <summary>
    /// Parses the ONBUILD triggers of a base image (as its config stores them, e.g.
    /// <c>RUN echo hi</c>), for a build that uses the image as its base.
    /// </summary>
    /// <param name="triggers">The triggers, in order.</param>
    /// <param name="source">The name errors give, e.g. the base image's reference.</param>
    /// <exception cref="DockerfileParseException">A trigger is not a valid instruction, or is ONBUILD, FROM or MAINTAINER.</exception>
    public static ImmutableArray<Instruction> ParseTriggers(IEnumerable<string> triggers, string source = "ONBUILD")
    {
        ArgumentNullException.ThrowIfNull(triggers);
        var result = ImmutableArray.CreateBuilder<Instruction>();
        foreach (var trigger in triggers)
        {
            var run = new Run(source, trigger);
            foreach (var instruction in run.Instructions())
            {
                if (instruction is OnBuildInstruction or FromInstruction or MaintainerInstruction)
                {
                    throw new DockerfileParseException(source, instruction.Location, $"{instruction.Keyword} is not allowed as an ONBUILD trigger");
                }

                result.Add(instruction);
            }
        }

        return result.ToImmutable();
    }

    private static string TooLarge(long bytes) =>
        $"the Dockerfile is {bytes} bytes; the limit is {MaxBytes} bytes ({MaxBytes / (1024 * 1024)} MiB)";

    /// <summary>One parse of one text.</summary>
    private sealed class Run
    {
        private readonly string _fileName;
        private readonly List<string> _lines;
        private readonly List<DockerfileWarning> _warnings = [];
        private string? _syntax;
        private string? _check;
        private char _escape = '\\';
        private int _next;

        public Run(string fileName, string content)
        {
            _fileName = fileName;
            if (content.StartsWith('\uFEFF'))
            {
                content = content[1..];
            }

            _lines = SplitLines(content);
            if (_lines.Count > MaxLines)
            {
                throw new DockerfileParseException(fileName, new SourceLocation(MaxLines + 1, 1),
                    $"the Dockerfile has {_lines.Count} lines; the limit is {MaxLines}");
            }
        }

        public DockerfileDocument Document()
        {
            var instructions = Instructions();
            if (instructions.Count == 0)
            {
                throw new DockerfileParseException(_fileName, new SourceLocation(1, 1),
                    "the Dockerfile has no instructions: it needs at least FROM image");
            }

            var globalArgs = ImmutableArray.CreateBuilder<ArgInstruction>();
            var stages = ImmutableArray.CreateBuilder<BuildStage>();
            var names = new Dictionary<string, FromInstruction>(StringComparer.Ordinal);
            FromInstruction? from = null;
            var body = ImmutableArray.CreateBuilder<Instruction>();
            foreach (var instruction in instructions)
            {
                switch (instruction)
                {
                    case FromInstruction f:
                        if (from is not null)
                        {
                            stages.Add(new BuildStage(stages.Count, from, body.ToImmutable()));
                            body.Clear();
                        }

                        if (f.StageName is { } name)
                        {
                            if (names.TryGetValue(name, out var earlier))
                            {
                                throw new DockerfileParseException(_fileName, f.Location,
                                    $"stage name '{name}' is already used by the stage at line {earlier.Location.Line}; give each stage its own name");
                            }

                            names[name] = f;
                        }

                        from = f;
                        break;
                    case ArgInstruction arg when from is null:
                        globalArgs.Add(arg);
                        break;
                    default:
                        if (from is null)
                        {
                            throw new DockerfileParseException(_fileName, instruction.Location,
                                $"{instruction.Keyword} comes before the first FROM: only ARG may come before FROM; start the stage with FROM image");
                        }

                        body.Add(instruction);
                        break;
                }
            }

            if (from is null)
            {
                throw new DockerfileParseException(_fileName, instructions[^1].Location,
                    "the Dockerfile has no FROM: add FROM image after the ARGs to start a stage");
            }

            stages.Add(new BuildStage(stages.Count, from, body.ToImmutable()));
            return new DockerfileDocument(
                _fileName,
                new DockerfileDirectives(_syntax, _escape, _check),
                globalArgs.ToImmutable(),
                stages.ToImmutable(),
                [.. _warnings]);
        }

        public List<Instruction> Instructions()
        {
            var instructions = new List<Instruction>();
            ReadDirectives();
            var parser = new InstructionParser(_fileName, _escape, _warnings);
            while (NextLogicalLine() is { } line)
            {
                var openers = parser.HeredocOpeners(line);
                var heredocs = new List<(HeredocOpener, Heredoc)>(openers.Count);
                foreach (var opener in openers)
                {
                    heredocs.Add((opener, ReadHeredoc(line, opener)));
                }

                instructions.Add(parser.Parse(line, heredocs));
            }

            return instructions;
        }

        // Directives are '#key=value' lines at the very top; the first line that is not one
        // (an instruction, a blank line, another comment, an unknown key) ends them.
        private void ReadDirectives()
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (_next < _lines.Count)
            {
                var text = TrimNewline(_lines[_next]).TrimStart();
                if (!text.StartsWith('#'))
                {
                    return;
                }

                var directive = text[1..].TrimStart();
                var equals = directive.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    return;
                }

                var key = directive[..equals].TrimEnd();
                var value = directive[(equals + 1)..].Trim();
                if (!IsDirectiveKey(key) || value.Length == 0)
                {
                    return;
                }

                key = key.ToLowerInvariant();
                if (key is not ("syntax" or "escape" or "check"))
                {
                    return;
                }

                var location = new SourceLocation(_next + 1, 1);
                if (!seen.Add(key))
                {
                    throw new DockerfileParseException(_fileName, location,
                        $"the {key} parser directive is given twice; give it once, at the top of the file");
                }

                switch (key)
                {
                    case "escape":
                        if (value is not ("\\" or "`"))
                        {
                            throw new DockerfileParseException(_fileName, location,
                                $"escape directive '{value}' is not valid: the escape character is \\ or `");
                        }

                        _escape = value[0];
                        break;
                    case "syntax":
                        _syntax = value;
                        break;
                    default:
                        _check = value;
                        break;
                }

                _next++;
            }
        }

        private static bool IsDirectiveKey(string key) =>
            key.Length > 0 && char.IsAsciiLetter(key[0]) && key.All(char.IsAsciiLetterOrDigit);

        // The next instruction's text: comments and blank lines skipped, continuation lines
        // joined (comment lines inside them dropped, empty ones dropped with a warning).
        private LogicalLine? NextLogicalLine()
        {
            while (_next < _lines.Count)
            {
                var lineNumber = _next + 1;
                var text = TrimNewline(_lines[_next++]);
                var trimmed = text.TrimStart();
                if (trimmed.StartsWith('#'))
                {
                    continue;
                }

                var column = text.Length - trimmed.Length + 1;
                var (body, continues) = TrimContinuation(trimmed);
                if (!continues && body.Length == 0)
                {
                    continue;
                }

                var builder = new LogicalLine.Builder();
                builder.Append(body, lineNumber, column);
                var emptyContinuation = false;
                while (continues && _next < _lines.Count)
                {
                    var number = _next + 1;
                    var next = TrimNewline(_lines[_next++]);
                    var nextTrimmed = next.TrimStart();
                    if (nextTrimmed.StartsWith('#'))
                    {
                        continue;
                    }

                    if (nextTrimmed.Length == 0)
                    {
                        emptyContinuation = true;
                        continue;
                    }

                    (body, continues) = TrimContinuation(next);
                    builder.Append(body, number, 1);
                }

                builder.NoteLine(_next);
                var line = builder.Build();
                if (emptyContinuation)
                {
                    _warnings.Add(new DockerfileWarning(line.Start,
                        "an empty line continues this instruction; empty continuation lines will be errors in a future release: remove it"));
                }

                if (line.Text.Length == 0)
                {
                    continue;
                }

                return line;
            }

            return null;
        }

        // A line continues when it ends (blanks aside) with the escape character that is not
        // itself escaped; the character and the blanks after it are dropped.
        private (string Body, bool Continues) TrimContinuation(string line)
        {
            var end = line.Length;
            while (end > 0 && line[end - 1] is ' ' or '\t')
            {
                end--;
            }

            if (end == 0 || line[end - 1] != _escape)
            {
                return (line, false);
            }

            if (end >= 2 && line[end - 2] == _escape)
            {
                return (line, false);
            }

            return (line[..(end - 1)], true);
        }

        private Heredoc ReadHeredoc(LogicalLine line, HeredocOpener opener)
        {
            var content = new StringBuilder();
            while (_next < _lines.Count)
            {
                var raw = _lines[_next++];
                var candidate = TrimNewline(raw);
                if (opener.StripTabs)
                {
                    candidate = candidate.TrimStart('\t');
                }

                if (candidate == opener.Name)
                {
                    return new Heredoc(opener.Name, content.ToString(), opener.Expand);
                }

                content.Append(opener.StripTabs ? raw.TrimStart('\t') : raw);
            }

            throw new DockerfileParseException(_fileName, line.Start,
                $"heredoc '{opener.Name}' is never closed: end its content with a line holding only {opener.Name}");
        }

        private static string TrimNewline(string line) => line.TrimEnd('\r', '\n');

        // Lines with their line ends kept: heredoc bodies keep them as written.
        private static List<string> SplitLines(string content)
        {
            var lines = new List<string>();
            var start = 0;
            while (start < content.Length)
            {
                var newline = content.IndexOf('\n', start);
                var end = newline < 0 ? content.Length : newline + 1;
                lines.Add(content[start..end]);
                start = end;
            }

            return lines;
        }
    }
}
