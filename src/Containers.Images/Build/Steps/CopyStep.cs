namespace Containers.Images.Build.Steps;

/// <summary>
/// A <c>COPY</c> or <c>ADD</c> as the executor takes it: the sources' patterns and inline files,
/// the destination and flags with variables expanded. Where the sources are read from is given
/// beside it (<see cref="Execution.SourceTree"/>).
/// </summary>
internal sealed record CopyStep
{
    /// <summary>The source paths or globs (for ADD also URLs), in order.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>Files given inline as heredocs, in order after <see cref="Sources"/>.</summary>
    public IReadOnlyList<InlineFile> InlineFiles { get; init; } = [];

    /// <summary>The destination: absolute, or relative to the working directory; a trailing <c>/</c> makes it a directory.</summary>
    public required string Destination { get; init; }

    /// <summary><c>--chown=user[:group]</c>, names or ids; null keeps root (from the context) or the source's owner (from a stage).</summary>
    public string? Chown { get; init; }

    /// <summary><c>--chmod</c> as octal digits; null keeps the sources' modes.</summary>
    public string? Chmod { get; init; }

    /// <summary><c>--link</c>: the layer does not depend on the filesystem below (the destination's parents are not read).</summary>
    public bool Link { get; init; }

    /// <summary>Whether this is ADD: local archives are extracted, and URLs fetched.</summary>
    public bool IsAdd { get; init; }

    /// <summary>ADD <c>--checksum</c> of a URL source (<c>sha256:…</c>).</summary>
    public string? Checksum { get; init; }

    /// <summary>Where the instruction is and what it says, for errors: <c>Dockerfile:7: COPY a b</c>.</summary>
    public required string Description { get; init; }
}

/// <summary>A file a heredoc gives (<c>COPY &lt;&lt;EOF /dest</c>): its name and content.</summary>
internal sealed record InlineFile(string Name, byte[] Content);
