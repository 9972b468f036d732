using Containers.Images.Engine;

namespace Containers.Images.Testing;

/// <summary>The last lines of a container's log, for the errors of a start that failed.</summary>
internal static class LogTail
{
    /// <summary>How many lines an error quotes.</summary>
    public const int Lines = 20;

    /// <summary>The last <see cref="Lines"/> lines of the container's log, stdout and stderr as written; empty when the log cannot be read.</summary>
    public static async Task<IReadOnlyList<string>> ReadAsync(ContainerEngine engine, string id, CancellationToken cancellationToken)
    {
        var tail = new Queue<string>(Lines);
        try
        {
            await foreach (var entry in engine.LogsAsync(id, follow: false, cancellationToken).ConfigureAwait(false))
            {
                if (tail.Count == Lines)
                {
                    tail.Dequeue();
                }

                tail.Enqueue(entry.Text.TrimEnd('\n'));
            }
        }
        catch (Containers.Errors.ContainersException)
        {
            // Removed meanwhile: the error still says what it can.
        }

        return [.. tail];
    }

    /// <summary>"Its last N log lines:" and the lines, indented, or a note that it logged nothing.</summary>
    public static string Format(IReadOnlyList<string> lines) =>
        lines.Count == 0
            ? "It logged nothing."
            : $"Its last {lines.Count} log lines:{Environment.NewLine}" + string.Join(Environment.NewLine, lines.Select(line => "  " + line));
}
