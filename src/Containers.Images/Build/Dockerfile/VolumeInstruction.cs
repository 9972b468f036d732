using System.Collections.Immutable;

namespace Containers.Images.Build.Dockerfile;

/// <summary><c>VOLUME ["/a", "/b"]</c> or <c>VOLUME /a /b</c>; the paths as written.</summary>
public sealed record VolumeInstruction(SourceLocation Location, string Original, ImmutableArray<string> Paths)
    : Instruction(Location, Original)
{
    /// <inheritdoc />
    public override string Keyword => "VOLUME";
}
