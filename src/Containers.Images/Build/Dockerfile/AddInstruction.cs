using System.Collections.Immutable;

namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// <c>ADD [--chown=…] [--chmod=…] [--link] [--checksum=…] [--keep-git-dir] src… dest</c>: like
/// COPY, and a local tar archive source (plain, gzip, bzip2, xz) is extracted into the destination.
/// </summary>
/// <param name="Checksum">The <c>--checksum</c> value as written (<c>sha256:…</c>) for a URL source; null when not given.</param>
/// <param name="KeepGitDir">Whether <c>--keep-git-dir</c> was given (git sources).</param>
public sealed record AddInstruction(
    SourceLocation Location,
    string Original,
    ImmutableArray<CopySource> Sources,
    string Destination,
    string? Chown,
    string? Chmod,
    bool Link,
    string? Checksum,
    bool KeepGitDir)
    : CopyOrAddInstruction(Location, Original, Sources, Destination, Chown, Chmod, Link)
{
    /// <inheritdoc />
    public override string Keyword => "ADD";
}
