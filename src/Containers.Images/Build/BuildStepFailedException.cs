using Containers.Errors;

namespace Containers.Images.Build;

/// <summary>
/// A build step's command failed. The message names the Dockerfile line, the instruction, the
/// exit code and the last lines of the command's output:
/// <c>Dockerfile:7: RUN make: exit code 2; last output: …</c>.
/// </summary>
public sealed class BuildStepFailedException : ContainersException
{
    public BuildStepFailedException(string step, int exitCode, IReadOnlyList<string> outputTail, Exception? innerException = null)
        : base(Format(step, exitCode, outputTail), innerException)
    {
        Step = step;
        ExitCode = exitCode;
        OutputTail = outputTail;
    }

    /// <summary>Where the step is and what it says: <c>Dockerfile:7: RUN make</c>.</summary>
    public string Step { get; }

    /// <summary>The command's exit code (128 plus the signal that killed it).</summary>
    public int ExitCode { get; }

    /// <summary>The last lines the command wrote, stdout and stderr as they came.</summary>
    public IReadOnlyList<string> OutputTail { get; }

    public override string Kind => "build step failed";

    private static string Format(string step, int exitCode, IReadOnlyList<string> tail) =>
        tail.Count == 0
            ? $"{step}: the command returned exit code {exitCode} and wrote nothing"
            : $"{step}: the command returned exit code {exitCode}; its last output:{Environment.NewLine}{string.Join(Environment.NewLine, tail.Select(line => "  " + line))}";
}
