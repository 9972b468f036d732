using System.Collections.Immutable;
using System.Text.Json;

namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// The ways the reference splits an instruction's arguments: at white space, into
/// quote-aware words (quotes kept, for the expander to remove), as a JSON array of strings, or
/// into <c>key=value</c> pairs.
/// </summary>
internal static class DockerfileWords
{
    /// <summary>How a text read as a JSON array.</summary>
    public enum JsonForm
    {
        /// <summary>Not a JSON array (or not valid JSON): the shell form applies.</summary>
        NotJson,

        /// <summary>A JSON array of strings.</summary>
        Strings,

        /// <summary>A JSON array with an element that is not a string: an error, not the shell form.</summary>
        NotStrings,
    }

    /// <summary>
    /// Reads the exec form: a text that starts with <c>[</c> and is a valid JSON array. Anything
    /// else (including invalid JSON such as single quotes) is the shell form, as the reference says.
    /// </summary>
    public static JsonForm TryParseJsonArray(string text, out ImmutableArray<string> values)
    {
        values = [];
        var trimmed = text.TrimStart();
        if (!trimmed.StartsWith('['))
        {
            return JsonForm.NotJson;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(trimmed);
        }
        catch (JsonException)
        {
            return JsonForm.NotJson;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return JsonForm.NotJson;
            }

            var builder = ImmutableArray.CreateBuilder<string>();
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.String)
                {
                    return JsonForm.NotStrings;
                }

                builder.Add(element.GetString()!);
            }

            values = builder.ToImmutable();
            return JsonForm.Strings;
        }
    }

    /// <summary>Splits at runs of spaces and tabs; quotes mean nothing here (COPY, ADD, EXPOSE, VOLUME, FROM).</summary>
    public static List<Word> SplitWhitespace(string text)
    {
        var words = new List<Word>();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && IsBlank(text[i]))
            {
                i++;
            }

            var start = i;
            while (i < text.Length && !IsBlank(text[i]))
            {
                i++;
            }

            if (i > start)
            {
                words.Add(new Word(text[start..i], start));
            }
        }

        return words;
    }

    /// <summary>
    /// Splits into words at white space outside quotes, keeping the quotes and escapes in the
    /// words (ENV, LABEL, ARG): <c>a="b c" d</c> gives <c>a="b c"</c> and <c>d</c>.
    /// </summary>
    public static List<Word> SplitQuoted(string text, char escape)
    {
        var words = new List<Word>();
        var word = new System.Text.StringBuilder();
        var start = -1;
        var quote = '\0';
        var blankOk = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote == '\0')
            {
                if (char.IsWhiteSpace(c))
                {
                    if (start >= 0 && (blankOk || word.Length > 0))
                    {
                        words.Add(new Word(word.ToString(), start));
                    }

                    word.Clear();
                    start = -1;
                    blankOk = false;
                    continue;
                }

                if (start < 0)
                {
                    start = i;
                }

                if (c is '\'' or '"')
                {
                    quote = c;
                    blankOk = true;
                }
                else if (c == escape)
                {
                    if (i + 1 == text.Length)
                    {
                        continue;
                    }

                    word.Append(c);
                    c = text[++i];
                }

                word.Append(c);
                continue;
            }

            if (c == quote)
            {
                quote = '\0';
            }
            else if (c == escape && quote != '\'')
            {
                if (i + 1 == text.Length)
                {
                    quote = '\0';
                    continue;
                }

                word.Append(c);
                c = text[++i];
            }

            word.Append(c);
        }

        if (start >= 0 && (blankOk || word.Length > 0))
        {
            words.Add(new Word(word.ToString(), start));
        }

        return words;
    }

    /// <summary>The blanks of the reference's white-space splitting (no newlines: a logical line has none).</summary>
    public static bool IsBlank(char c) => c is ' ' or '\t' or '\v' or '\f' or '\r';
}
