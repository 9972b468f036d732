namespace Containers.Cli;

/// <summary>
/// A failure that ends the command with an exit code of its own, as docker's do: 125 when
/// <c>run</c> fails before the container's program runs, 126 and 127 when that program cannot be
/// run or is not there. The message is the inner exception's.
/// </summary>
internal sealed class CommandExitException(int exitCode, Exception inner) : Exception(inner.Message, inner)
{
    public int ExitCode { get; } = exitCode;
}
