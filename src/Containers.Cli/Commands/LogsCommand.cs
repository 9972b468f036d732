using System.CommandLine;
using System.Globalization;
using Containers.Errors;
using Containers.Images.Engine;

namespace Containers.Cli.Commands;

/// <summary><c>containers logs</c>: a container's output, stdout to stdout and stderr to stderr, as docker's json-file log gives it.</summary>
internal static class LogsCommand
{
    public static Command Create(CliContext cli)
    {
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new output until the container's output ends" };
        var timestamps = new Option<bool>("--timestamps", "-t") { Description = "Start each line with the time it was written (RFC 3339, nanoseconds)" };
        var tail = new Option<string>("--tail", "-n") { Description = "Print only this many lines from the end (or all)", DefaultValueFactory = _ => "all" };
        var container = new Argument<string>("container") { Description = "The container: id, unique id prefix or name" };
        var command = new Command("logs", "Print a container's output") { follow, timestamps, tail, container };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var id = result.GetRequiredValue(container);
            var last = ParseTail(result.GetRequiredValue(tail));
            var stamped = result.GetValue(timestamps);
            var skip = 0;
            if (last is { } count)
            {
                // The last lines of what is there now; a follow then skips what was counted.
                var kept = new Queue<LogEntry>(Math.Min(count, 1024));
                await foreach (var entry in session.Engine.LogsAsync(id, follow: false, cancellationToken).ConfigureAwait(false))
                {
                    skip++;
                    kept.Enqueue(entry);
                    if (kept.Count > count)
                    {
                        kept.Dequeue();
                    }
                }

                foreach (var entry in kept)
                {
                    await WriteAsync(cli, entry, stamped).ConfigureAwait(false);
                }

                if (!result.GetValue(follow))
                {
                    return 0;
                }
            }

            await foreach (var entry in session.Engine.LogsAsync(id, result.GetValue(follow), cancellationToken).ConfigureAwait(false))
            {
                if (skip > 0)
                {
                    skip--;
                    continue;
                }

                await WriteAsync(cli, entry, stamped).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    private static int? ParseTail(string text) =>
        text == "all" ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count
        : throw new InvalidArgumentException($"invalid --tail \"{text}\": give a number of lines, or all");

    private static async Task WriteAsync(CliContext cli, LogEntry entry, bool timestamps)
    {
        var target = entry.Source == LogSource.Stderr ? cli.Error : cli.Output;
        if (timestamps)
        {
            // docker's fixed-width RFC 3339 with nanoseconds; .NET keeps 100 ns ticks.
            await target.WriteAsync(entry.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z' ", CultureInfo.InvariantCulture)).ConfigureAwait(false);
        }

        await target.WriteAsync(entry.Text).ConfigureAwait(false);
        await target.FlushAsync().ConfigureAwait(false);
    }
}
