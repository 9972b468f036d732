namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// One instruction's text with its continuation lines joined, and the map from each character
/// back to the physical line and column it came from, so errors point into the file.
/// </summary>
internal sealed class LogicalLine
{
    private readonly List<Segment> _segments;

    private LogicalLine(string text, List<Segment> segments, int startLine, int endLine)
    {
        Text = text;
        _segments = segments;
        StartLine = startLine;
        EndLine = endLine;
    }

    public string Text { get; }

    public int StartLine { get; }

    /// <summary>The last physical line the instruction used (heredoc bodies not counted).</summary>
    public int EndLine { get; }

    public SourceLocation Start => LocationOf(0);

    public static LogicalLine Single(string text, int line, int column) =>
        new(text, [new Segment(0, line, column)], line, line);

    /// <summary>Where the character at <paramref name="offset"/> of <see cref="Text"/> was in the file.</summary>
    public SourceLocation LocationOf(int offset)
    {
        var segment = _segments[0];
        foreach (var s in _segments)
        {
            if (s.Offset > offset)
            {
                break;
            }

            segment = s;
        }

        return new SourceLocation(segment.Line, segment.Column + Math.Max(0, offset - segment.Offset));
    }

    /// <summary>The part of the line from <paramref name="offset"/>, keeping the map.</summary>
    public LogicalLine From(int offset)
    {
        var segments = new List<Segment>();
        foreach (var s in _segments)
        {
            if (s.Offset <= offset)
            {
                segments.Clear();
                segments.Add(new Segment(0, s.Line, s.Column + (offset - s.Offset)));
            }
            else
            {
                segments.Add(s with { Offset = s.Offset - offset });
            }
        }

        return new LogicalLine(Text[offset..], segments, StartLine, EndLine);
    }

    public sealed class Builder
    {
        private readonly System.Text.StringBuilder _text = new();
        private readonly List<Segment> _segments = [];
        private int _startLine;
        private int _endLine;

        public int Length => _text.Length;

        public void Append(string part, int line, int column)
        {
            if (_segments.Count == 0)
            {
                _startLine = line;
            }

            _endLine = line;
            if (part.Length > 0 || _segments.Count == 0)
            {
                _segments.Add(new Segment(_text.Length, line, column));
            }

            _text.Append(part);
        }

        public void NoteLine(int line) => _endLine = Math.Max(_endLine, line);

        public LogicalLine Build()
        {
            // Trailing white space is not part of the instruction (BuildKit trims it too).
            var text = _text.ToString().TrimEnd();
            return new LogicalLine(text, _segments, _startLine, _endLine);
        }
    }

    private readonly record struct Segment(int Offset, int Line, int Column);
}
