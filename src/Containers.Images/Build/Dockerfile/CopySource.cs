namespace Containers.Images.Build.Dockerfile;

/// <summary>A source of <c>COPY</c> or <c>ADD</c>: a path pattern as written, or an inline heredoc file.</summary>
public abstract record CopySource
{
    private protected CopySource()
    {
    }
}

/// <summary>A path, glob or (for ADD) URL, as written: unexpanded, quotes kept.</summary>
public sealed record PathSource(string Pattern) : CopySource;

/// <summary>A file given inline (<c>COPY &lt;&lt;EOF /dest</c>); its name is the heredoc's delimiter word.</summary>
public sealed record HeredocSource(Heredoc Heredoc) : CopySource;
