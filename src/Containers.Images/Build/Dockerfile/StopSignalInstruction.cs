namespace Containers.Images.Build.Dockerfile;

/// <summary><c>STOPSIGNAL signal</c>, as written (<c>SIGTERM</c>, <c>9</c>, <c>$SIG</c>).</summary>
public sealed record StopSignalInstruction(SourceLocation Location, string Original, string Signal)
    : Instruction(Location, Original)
{
    /// <inheritdoc />
    public override string Keyword => "STOPSIGNAL";
}
