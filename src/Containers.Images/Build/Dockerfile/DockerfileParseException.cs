using Containers.Errors;

namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// A Dockerfile breaks the reference's rules. The message reads
/// <c>Dockerfile:7:1: unknown instruction 'RUNN'; did you mean 'RUN'?</c>.
/// </summary>
public sealed class DockerfileParseException : InvalidArgumentException
{
    public DockerfileParseException(string fileName, SourceLocation location, string problem, Exception? innerException = null)
        : base($"{fileName}:{location.Line}:{location.Column}: {problem}", innerException)
    {
        FileName = fileName;
        Location = location;
        Problem = problem;
    }

    /// <summary>The Dockerfile's name as the caller gave it.</summary>
    public string FileName { get; }

    /// <summary>Where the problem is.</summary>
    public SourceLocation Location { get; }

    /// <summary>The problem alone, without the file and location prefix.</summary>
    public string Problem { get; }
}
