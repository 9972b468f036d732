using System.Text;

namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// A heredoc opener on an instruction line (<c>&lt;&lt;EOF</c>, <c>&lt;&lt;-EOF</c>,
/// <c>&lt;&lt;"EOF"</c>, <c>2&lt;&lt;EOF</c>): the word that ends its body, whether leading tabs
/// are stripped, and whether the body is expanded.
/// </summary>
internal sealed record HeredocOpener(string Name, bool StripTabs, bool Expand)
{
    /// <summary>The openers on a line, in order, found the way BuildKit finds them: the line is
    /// split into shell words (quotes kept), and each word of the form <c>[n]&lt;&lt;[-]word</c> opens one.</summary>
    public static List<HeredocOpener> FindAll(string line, char escape)
    {
        var openers = new List<HeredocOpener>();
        if (!line.Contains("<<", StringComparison.Ordinal))
        {
            return openers;
        }

        foreach (var word in RawWords(line, escape))
        {
            if (TryParse(word, escape) is { } opener)
            {
                openers.Add(opener);
            }
        }

        return openers;
    }

    /// <summary>Reads one word as an opener; null when it is not one.</summary>
    public static HeredocOpener? TryParse(string word, char escape)
    {
        var i = 0;
        while (i < word.Length && char.IsAsciiDigit(word[i]))
        {
            i++;
        }

        if (i + 1 >= word.Length || word[i] != '<' || word[i + 1] != '<')
        {
            return null;
        }

        i += 2;
        var strip = i < word.Length && word[i] == '-';
        if (strip)
        {
            i++;
        }

        while (i < word.Length && word[i] is ' ' or '\t' or '\r' or '\n' or '\f')
        {
            i++;
        }

        var rest = word[i..];
        if (rest.Length == 0 || rest.Contains('<', StringComparison.Ordinal))
        {
            return null;
        }

        var (words, quoted) = Unquote(rest, escape);
        return words is [var name] ? new HeredocOpener(name, strip, !quoted) : null;
    }

    // Shell words with quotes and escapes kept; "<<" swallows the blanks after it, so "<< EOF" is
    // one word. An unclosed quote means no words (the line holds no heredoc).
    private static List<string> RawWords(string line, char escape)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
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
            if (c is '\'' or '"')
            {
                var close = FindClosingQuote(line, i, escape);
                if (close < 0)
                {
                    return [];
                }

                word.Append(line, i, close - i + 1);
                i = close;
            }
            else if (c == escape)
            {
                word.Append(c);
                if (i + 1 < line.Length)
                {
                    word.Append(line[++i]);
                }
            }
            else if (c == '<' && i + 1 < line.Length && line[i + 1] == '<')
            {
                word.Append("<<");
                i += 2;
                while (i < line.Length && line[i] is ' ' or '\t' or '\r')
                {
                    word.Append(line[i++]);
                }

                i--;
            }
            else
            {
                word.Append(c);
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static int FindClosingQuote(string text, int open, char escape)
    {
        var quote = text[open];
        for (var i = open + 1; i < text.Length; i++)
        {
            if (quote == '"' && EscapesInDoubleQuotes(text, i, text.Length, escape))
            {
                i++;
                continue;
            }

            if (text[i] == quote)
            {
                return i;
            }
        }

        return -1;
    }

    // Inside double quotes the escape character escapes only ", $ and itself.
    private static bool EscapesInDoubleQuotes(string text, int i, int end, char escape) =>
        text[i] == escape && i + 1 < end && (text[i + 1] is '"' or '$' || text[i + 1] == escape);

    // The word with quotes and escapes removed, split at unquoted blanks, and whether any quote was removed.
    private static (List<string> Words, bool Quoted) Unquote(string text, char escape)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var quoted = false;
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
            if (c is '\'' or '"')
            {
                var close = FindClosingQuote(text, i, escape);
                if (close < 0)
                {
                    return ([], false);
                }

                quoted = true;
                for (var j = i + 1; j < close; j++)
                {
                    if (c == '"' && EscapesInDoubleQuotes(text, j, close, escape))
                    {
                        j++;
                    }

                    word.Append(text[j]);
                }

                i = close;
            }
            else if (c == escape)
            {
                if (i + 1 < text.Length)
                {
                    word.Append(text[++i]);
                }
            }
            else
            {
                word.Append(c);
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return (words, quoted);
    }
}
