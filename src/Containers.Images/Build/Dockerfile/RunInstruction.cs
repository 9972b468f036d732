using System.Collections.Immutable;

namespace Containers.Images.Build.Dockerfile;

/// <summary><c>RUN [--mount=…] [--network=…] [--security=…] command</c>.</summary>
/// <param name="Command">
/// The command. In shell form with heredocs, the text is the first line as written
/// (e.g. <c>&lt;&lt;EOF</c> or <c>python3 &lt;&lt;EOF</c>) and <see cref="Heredocs"/> holds the bodies.
/// </param>
/// <param name="Mounts">The <c>--mount</c> flags, in order.</param>
/// <param name="Network">The <c>--network</c> flag.</param>
/// <param name="Security">The <c>--security</c> flag.</param>
/// <param name="Heredocs">The heredocs opened on the command line, in order.</param>
public sealed record RunInstruction(
    SourceLocation Location,
    string Original,
    ShellOrExec Command,
    ImmutableArray<RunMount> Mounts,
    RunNetwork Network,
    RunSecurity Security,
    ImmutableArray<Heredoc> Heredocs)
    : Instruction(Location, Original)
{
    /// <inheritdoc />
    public override string Keyword => "RUN";
}
