namespace Containers.Images.Build.Dockerfile;

/// <summary>Where something starts in a Dockerfile: a 1-based line and a 1-based column.</summary>
public readonly record struct SourceLocation(int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{Line}:{Column}";
}
