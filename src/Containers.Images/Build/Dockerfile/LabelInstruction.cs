using System.Collections.Immutable;

namespace Containers.Images.Build.Dockerfile;

/// <summary><c>LABEL k=v k2="v 2"</c>; keys and values as written, expanded like ENV's.</summary>
public sealed record LabelInstruction(SourceLocation Location, string Original, ImmutableArray<KeyValuePair<string, string>> Labels)
    : Instruction(Location, Original)
{
    /// <inheritdoc />
    public override string Keyword => "LABEL";
}
