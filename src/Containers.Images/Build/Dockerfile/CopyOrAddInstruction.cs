using System.Collections.Immutable;

namespace Containers.Images.Build.Dockerfile;

/// <summary>What <c>COPY</c> and <c>ADD</c> share: sources, a destination, and the ownership flags.</summary>
/// <param name="Sources">The sources, in order (at least one).</param>
/// <param name="Destination">The destination as written (unexpanded); a trailing <c>/</c> means a directory.</param>
/// <param name="Chown">The <c>--chown=user[:group]</c> value as written; null when not given.</param>
/// <param name="Chmod">The <c>--chmod</c> value as written (octal, or symbolic in newer syntaxes); null when not given.</param>
/// <param name="Link">Whether <c>--link</c> was given.</param>
public abstract record CopyOrAddInstruction(
    SourceLocation Location,
    string Original,
    ImmutableArray<CopySource> Sources,
    string Destination,
    string? Chown,
    string? Chmod,
    bool Link)
    : Instruction(Location, Original);
