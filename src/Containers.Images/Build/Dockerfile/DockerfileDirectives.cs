namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// The parser directives at the very top of a Dockerfile (<c># syntax=</c>, <c># escape=</c>,
/// <c># check=</c>). Only <see cref="Escape"/> changes how the file parses; the others are kept
/// as written for the builder to report or ignore.
/// </summary>
public sealed record DockerfileDirectives(string? Syntax, char Escape, string? Check)
{
    /// <summary>No directives: the escape character is the backslash.</summary>
    public static DockerfileDirectives Default { get; } = new(null, '\\', null);
}
