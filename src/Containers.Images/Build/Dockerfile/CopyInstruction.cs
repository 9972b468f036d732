using System.Collections.Immutable;

namespace Containers.Images.Build.Dockerfile;

/// <summary><c>COPY [--from=…] [--chown=…] [--chmod=…] [--link] src… dest</c>.</summary>
/// <param name="From">The <c>--from</c> stage name, stage index or image as written; null for the build context.</param>
public sealed record CopyInstruction(
    SourceLocation Location,
    string Original,
    ImmutableArray<CopySource> Sources,
    string Destination,
    string? From,
    string? Chown,
    string? Chmod,
    bool Link)
    : CopyOrAddInstruction(Location, Original, Sources, Destination, Chown, Chmod, Link)
{
    /// <inheritdoc />
    public override string Keyword => "COPY";
}
