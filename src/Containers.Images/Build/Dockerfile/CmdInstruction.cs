namespace Containers.Images.Build.Dockerfile;

/// <summary><c>CMD ["exec", "form"]</c> or <c>CMD shell form</c>.</summary>
public sealed record CmdInstruction(SourceLocation Location, string Original, ShellOrExec Command)
    : Instruction(Location, Original)
{
    /// <inheritdoc />
    public override string Keyword => "CMD";
}
