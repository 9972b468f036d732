namespace Containers.Images.Build.Dockerfile;

/// <summary><c>FROM [--platform=…] image [AS name]</c>.</summary>
/// <param name="Image">The base as written: an image reference, an earlier stage's name, or <c>scratch</c>; may hold global <c>$ARG</c>s.</param>
/// <param name="StageName">The <c>AS</c> name, lower-cased; null when not given.</param>
/// <param name="Platform">The <c>--platform</c> value as written; null when not given.</param>
public sealed record FromInstruction(SourceLocation Location, string Original, string Image, string? StageName, string? Platform)
    : Instruction(Location, Original)
{
    /// <inheritdoc />
    public override string Keyword => "FROM";
}
