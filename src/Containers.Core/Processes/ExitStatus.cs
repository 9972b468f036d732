namespace Containers.Processes;

/// <summary>
/// How a process ended. <see cref="ExitCode"/> follows the shell's convention, 128 plus the
/// signal number when a signal killed it, as <c>docker wait</c> reports.
/// </summary>
public readonly record struct ExitStatus(int ExitCode, int? Signal)
{
    /// <summary>The status of a process that called <c>exit(code)</c>.</summary>
    public static ExitStatus Exited(int code) => new(code, null);

    /// <summary>The status of a process a signal killed.</summary>
    public static ExitStatus Killed(int signal) => new(128 + signal, signal);

    /// <summary>True when a signal ended the process.</summary>
    public bool Signaled => Signal is not null;

    public override string ToString() => Signal is { } s ? $"killed by signal {s}" : $"exit code {ExitCode}";
}
