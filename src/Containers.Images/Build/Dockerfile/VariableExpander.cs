using System.Collections.Immutable;
using System.Text;
using Containers.Errors;

namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// The Dockerfile reference's "environment replacement": <c>$var</c>, <c>${var}</c>,
/// <c>${var:-word}</c>, <c>${var-word}</c>, <c>${var:+word}</c>, <c>${var+word}</c>,
/// <c>${var:?msg}</c>, <c>${var?msg}</c>, <c>${var#pat}</c>, <c>${var##pat}</c>,
/// <c>${var%pat}</c>, <c>${var%%pat}</c>, <c>${var/pat/repl}</c> and <c>${var//pat/repl}</c>,
/// with the words nested inside expanded too; single quotes keep text literal, double quotes keep
/// spaces and still expand, and the escape character escapes the next character.
/// </summary>
/// <remarks>
/// The builder calls this for the instructions the reference lists: ADD, COPY, ENV, EXPOSE, FROM,
/// LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR and ONBUILD (through its trigger), and ARG defaults.
/// Not for RUN, CMD and ENTRYPOINT: their shell form is left for the shell, their exec form is
/// never expanded. The environment is the stage's ARGs overlaid by its ENVs (ENV wins).
/// An unset variable expands to nothing; positional and special parameters (<c>$1</c>,
/// <c>$@</c>…) are never set.
/// </remarks>
public sealed class VariableExpander
{
    private const int End = -1;

    private static readonly VariableExpander Backslash = new();

    /// <summary>An expander for a Dockerfile with the given escape character (<c>\</c> or <c>`</c>).</summary>
    public VariableExpander(char escape = '\\')
    {
        if (escape is not ('\\' or '`'))
        {
            throw new InvalidArgumentException($"escape character '{escape}' is not valid: use '\\' or '`'");
        }

        Escape = escape;
    }

    /// <summary>The escape character.</summary>
    public char Escape { get; }

    /// <summary>
    /// Expands one word: variables replaced, quotes and escapes removed, inner spaces kept.
    /// </summary>
    /// <param name="word">The word as written in the Dockerfile.</param>
    /// <param name="environment">The variables in scope.</param>
    /// <param name="used">When given, receives the name of every variable the word referenced that was set.</param>
    /// <exception cref="InvalidArgumentException">The word has an unclosed quote or brace, a bad substitution, or a <c>${var?msg}</c> that failed.</exception>
    public string ExpandWord(string word, IReadOnlyDictionary<string, string> environment, ISet<string>? used = null)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(environment);
        var run = new Run(this, word, environment, used);
        return run.Process().Result;
    }

    /// <summary>
    /// Expands the body of a COPY or ADD heredoc whose delimiter was not quoted, as BuildKit does:
    /// variables are replaced and <c>\</c> escapes the next character (always the backslash,
    /// whatever the escape directive), but quotes are literal text.
    /// </summary>
    /// <exception cref="InvalidArgumentException">A malformed <c>${…}</c> or a failed <c>${var?msg}</c>.</exception>
    public static string ExpandHeredoc(string content, IReadOnlyDictionary<string, string> environment, ISet<string>? used = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(environment);
        var run = new Run(Backslash, content, environment, used, processQuotes: false);
        return run.Process().Result;
    }

    /// <summary>
    /// Expands a text and splits it into words at unquoted white space, after expansion (so a
    /// variable whose value has spaces gives several words unless it is quoted).
    /// </summary>
    /// <exception cref="InvalidArgumentException">As for <see cref="ExpandWord"/>.</exception>
    public ImmutableArray<string> ExpandWords(string text, IReadOnlyDictionary<string, string> environment, ISet<string>? used = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(environment);
        var run = new Run(this, text, environment, used);
        return run.Process().Words;
    }

    private sealed class WordSplitter
    {
        private readonly StringBuilder _buffer = new();
        private readonly ImmutableArray<string>.Builder _words = ImmutableArray.CreateBuilder<string>();
        private bool _inWord;

        public void Add(char c)
        {
            if (char.IsWhiteSpace(c))
            {
                if (_inWord && _buffer.Length != 0)
                {
                    _words.Add(_buffer.ToString());
                    _buffer.Clear();
                    _inWord = false;
                }
            }
            else
            {
                AddRaw(c);
            }
        }

        public void Add(string s)
        {
            foreach (var c in s)
            {
                Add(c);
            }
        }

        public void AddRaw(char c)
        {
            _buffer.Append(c);
            _inWord = true;
        }

        public void AddRaw(string s)
        {
            _buffer.Append(s);
            _inWord = true;
        }

        public ImmutableArray<string> Finish()
        {
            if (_buffer.Length > 0)
            {
                _words.Add(_buffer.ToString());
                _buffer.Clear();
            }

            return _words.ToImmutable();
        }
    }

    private sealed class Run(
        VariableExpander owner, string source, IReadOnlyDictionary<string, string> environment, ISet<string>? used, bool processQuotes = true)
    {
        private readonly char _escape = owner.Escape;
        private int _position;

        private int Peek => _position < source.Length ? source[_position] : End;

        public (string Result, ImmutableArray<string> Words) Process()
        {
            try
            {
                return ProcessUntil(End, rawEscapes: false);
            }
            catch (InvalidArgumentException e)
            {
                throw new InvalidArgumentException($"cannot expand \"{source}\": {e.Message}", e);
            }
        }

        private int Next() => _position < source.Length ? source[_position++] : End;

        // Reads up to the stop character (consumed) or the end; rawEscapes keeps escape characters
        // in the result, for patterns where they still mean something.
        private (string Result, ImmutableArray<string> Words) ProcessUntil(int stop, bool rawEscapes)
        {
            var result = new StringBuilder();
            var words = new WordSplitter();
            while (Peek != End)
            {
                var c = (char)Peek;
                if (stop != End && c == stop)
                {
                    Next();
                    return (result.ToString(), words.Finish());
                }

                switch (c)
                {
                    case '$':
                        var value = ProcessDollar();
                        result.Append(value);
                        words.Add(value);
                        continue;
                    case '\'' when processQuotes:
                        var single = ProcessSingleQuote();
                        result.Append(single);
                        words.AddRaw(single);
                        continue;
                    case '"' when processQuotes:
                        var quoted = ProcessDoubleQuote(rawEscapes);
                        result.Append(quoted);
                        words.AddRaw(quoted);
                        continue;
                    case '<':
                        var angle = ProcessPossibleHeredoc();
                        result.Append(angle);
                        words.AddRaw(angle);
                        continue;
                }

                Next();
                if (c == _escape)
                {
                    if (rawEscapes)
                    {
                        words.AddRaw(c);
                        result.Append(c);
                    }

                    var escaped = Next();
                    if (escaped == End)
                    {
                        break;
                    }

                    words.AddRaw((char)escaped);
                    result.Append((char)escaped);
                    continue;
                }

                words.Add(c);
                result.Append(c);
            }

            if (stop != End)
            {
                throw new InvalidArgumentException($"unexpected end of text while looking for a matching '{(char)stop}'");
            }

            return (result.ToString(), words.Finish());
        }

        private string ProcessSingleQuote()
        {
            Next();
            var start = _position;
            var close = source.IndexOf('\'', start);
            if (close < 0)
            {
                throw new InvalidArgumentException("unexpected end of text while looking for a matching single quote");
            }

            _position = close + 1;
            return source[start..close];
        }

        private string ProcessDoubleQuote(bool rawEscapes)
        {
            Next();
            var result = new StringBuilder();
            while (true)
            {
                switch (Peek)
                {
                    case End:
                        throw new InvalidArgumentException("unexpected end of text while looking for a matching double quote");
                    case '"':
                        Next();
                        return result.ToString();
                    case '$':
                        result.Append(ProcessDollar());
                        continue;
                }

                var c = (char)Next();
                if (c == _escape)
                {
                    if (rawEscapes)
                    {
                        result.Append(c);
                    }

                    var following = Peek;
                    if (following == End)
                    {
                        continue;
                    }

                    // Inside double quotes the escape character only escapes ", $ and itself.
                    if (following == '"' || following == '$' || following == _escape)
                    {
                        c = (char)Next();
                    }
                }

                result.Append(c);
            }
        }

        private string ProcessPossibleHeredoc()
        {
            Next();
            if (Peek != '<')
            {
                return "<";
            }

            Next();
            var start = _position;
            while (Peek is ' ' or '\t' or '\r')
            {
                Next();
            }

            return "<<" + source[start.._position];
        }

        private string ProcessDollar()
        {
            Next();
            if (Peek != '{')
            {
                var plain = ReadName();
                return plain.Length == 0 ? "$" : Lookup(plain).Value ?? string.Empty;
            }

            Next();
            if (Peek is End)
            {
                throw new InvalidArgumentException("syntax error: missing '}'");
            }

            if (Peek is '{' or '}' or ':')
            {
                throw new InvalidArgumentException("syntax error: bad substitution");
            }

            var name = ReadName();
            var op = Next();
            switch (op)
            {
                case End:
                    throw new InvalidArgumentException("syntax error: missing '}'");
                case '}':
                    return Lookup(name).Value ?? string.Empty;
                case ':':
                    var after = Next();
                    if (after is not ('-' or '+' or '?'))
                    {
                        throw new InvalidArgumentException(
                            $"unsupported modifier (:{(after == End ? string.Empty : ((char)after).ToString())}) in substitution; use :-, :+ or :?");
                    }

                    return Conditional(name, (char)after, emptyIsUnset: true);
                case '-' or '+' or '?':
                    return Conditional(name, (char)op, emptyIsUnset: false);
                case '#' or '%':
                    return TrimPattern(name, (char)op);
                case '/':
                    return Replace(name);
                default:
                    throw new InvalidArgumentException($"unsupported modifier ({(char)op}) in substitution");
            }
        }

        private string Conditional(string name, char op, bool emptyIsUnset)
        {
            var word = ReadNested('}', rawEscapes: false);
            var (value, set) = Lookup(name);
            var unset = !set || (emptyIsUnset && value!.Length == 0);
            switch (op)
            {
                case '-':
                    return unset ? word : value!;
                case '+':
                    return unset ? string.Empty : word;
                default:
                    if (!set)
                    {
                        throw new InvalidArgumentException($"{name}: {(word.Length > 0 ? word : "is not allowed to be unset")}");
                    }

                    if (unset)
                    {
                        throw new InvalidArgumentException($"{name}: {(word.Length > 0 ? word : "is not allowed to be empty")}");
                    }

                    return value!;
            }
        }

        private string TrimPattern(string name, char op)
        {
            var pattern = ReadNested('}', rawEscapes: true);
            var value = Lookup(name).Value ?? string.Empty;
            var greedy = pattern.Length > 0 && pattern[0] == op;
            if (greedy)
            {
                pattern = pattern[1..];
            }

            var glob = ShellPattern.Parse(pattern, _escape);
            return op == '#' ? glob.TrimPrefix(value, greedy) : glob.TrimSuffix(value, greedy);
        }

        private string Replace(string name)
        {
            var all = Peek == '/';
            if (all)
            {
                Next();
            }

            var pattern = ReadNested('/', rawEscapes: true);
            var replacement = ReadNested('}', rawEscapes: true);
            var value = Lookup(name).Value ?? string.Empty;
            return ShellPattern.Parse(pattern, _escape).Replace(value, replacement, all);
        }

        private string ReadNested(char stop, bool rawEscapes)
        {
            try
            {
                return ProcessUntil(stop, rawEscapes).Result;
            }
            catch (InvalidArgumentException) when (Peek == End)
            {
                throw new InvalidArgumentException($"syntax error: missing '{stop}'");
            }
        }

        // A name is letters, digits and _; a leading digit run is a positional parameter, and a
        // special parameter is one character. Neither is ever set in a Dockerfile.
        private string ReadName()
        {
            var start = _position;
            if (Peek != End && char.IsAsciiDigit((char)Peek))
            {
                while (Peek != End && char.IsAsciiDigit((char)Peek))
                {
                    Next();
                }

                return source[start.._position];
            }

            if (Peek is '@' or '*' or '#' or '?' or '-' or '$' or '!' or '0')
            {
                Next();
                return source[start.._position];
            }

            while (Peek != End && (char.IsLetterOrDigit((char)Peek) || Peek == '_'))
            {
                Next();
            }

            return source[start.._position];
        }

        private (string? Value, bool Set) Lookup(string name)
        {
            if (environment.TryGetValue(name, out var value))
            {
                used?.Add(name);
                return (value, true);
            }

            return (null, false);
        }
    }
}
