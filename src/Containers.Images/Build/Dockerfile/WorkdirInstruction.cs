namespace Containers.Images.Build.Dockerfile;

/// <summary><c>WORKDIR path</c>; the path as written (relative paths resolve against the previous WORKDIR).</summary>
public sealed record WorkdirInstruction(SourceLocation Location, string Original, string Path)
    : Instruction(Location, Original)
{
    /// <inheritdoc />
    public override string Keyword => "WORKDIR";
}
