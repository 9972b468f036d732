namespace Containers.Images.Build.Dockerfile;

/// <summary><c>MAINTAINER name</c>: deprecated (use a LABEL), still valid; sets the image's author.</summary>
public sealed record MaintainerInstruction(SourceLocation Location, string Original, string Name)
    : Instruction(Location, Original)
{
    /// <inheritdoc />
    public override string Keyword => "MAINTAINER";
}
