namespace Containers.Images.Build.Dockerfile;

/// <summary><c>USER user[:group]</c>, as written.</summary>
public sealed record UserInstruction(SourceLocation Location, string Original, string User)
    : Instruction(Location, Original)
{
    /// <inheritdoc />
    public override string Keyword => "USER";
}
