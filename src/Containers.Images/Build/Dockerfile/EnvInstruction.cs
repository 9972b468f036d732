using System.Collections.Immutable;

namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// <c>ENV k=v k2="v 2"</c> or the legacy <c>ENV k v w</c>. Keys and values are as written:
/// expand each with <see cref="VariableExpander.ExpandWord"/> (which also removes the quotes),
/// in order, each seeing the ones before it.
/// </summary>
public sealed record EnvInstruction(SourceLocation Location, string Original, ImmutableArray<KeyValuePair<string, string>> Variables)
    : Instruction(Location, Original)
{
    /// <inheritdoc />
    public override string Keyword => "ENV";
}
