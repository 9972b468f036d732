namespace Containers.Images.Engine;

/// <summary>How a command run by <see cref="ContainerEngine.ExecAsync"/> ended, and what it wrote (with a terminal, all output is in <see cref="Stdout"/>).</summary>
/// <param name="ExitCode">Its exit code; 128 plus the signal when a signal killed it.</param>
/// <param name="Stdout">Everything it wrote to stdout, as UTF-8 text.</param>
/// <param name="Stderr">Everything it wrote to stderr, as UTF-8 text.</param>
public sealed record ExecResult(int ExitCode, string Stdout, string Stderr);
