using System.Collections.Immutable;

namespace Containers.Images.Build.Dockerfile;

/// <summary><c>SHELL ["executable", "parameters"]</c>: the shell for later shell-form commands (JSON form only).</summary>
public sealed record ShellInstruction(SourceLocation Location, string Original, ImmutableArray<string> Shell)
    : Instruction(Location, Original)
{
    /// <inheritdoc />
    public override string Keyword => "SHELL";
}
