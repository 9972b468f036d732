namespace Containers.Images.Engine;

/// <summary>Which of the container's output streams a log entry came from.</summary>
public enum LogSource
{
    Stdout,
    Stderr,
}

/// <summary>One line a container wrote, with its trailing newline as written, as Docker's json-file driver keeps it.</summary>
/// <param name="Timestamp">When the container's shim read the line from the container's pipe.</param>
/// <param name="Source">Stdout or stderr.</param>
/// <param name="Text">The line, newline included (a final line without one, or a piece of a line longer than 16 KiB, has none).</param>
public sealed record LogEntry(DateTimeOffset Timestamp, LogSource Source, string Text);
