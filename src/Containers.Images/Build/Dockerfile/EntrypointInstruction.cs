namespace Containers.Images.Build.Dockerfile;

/// <summary><c>ENTRYPOINT ["exec", "form"]</c> or <c>ENTRYPOINT shell form</c>.</summary>
public sealed record EntrypointInstruction(SourceLocation Location, string Original, ShellOrExec Command)
    : Instruction(Location, Original)
{
    /// <inheritdoc />
    public override string Keyword => "ENTRYPOINT";
}
