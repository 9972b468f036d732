using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Containers.Images.Engine;

/// <summary>
/// Reads a container's log, in Docker's json-file format
/// (<c>{"log":"hello\n","stream":"stdout","time":"…"}</c>, one object a line) as the container's
/// shim appends it. The reader may be another process than the one that created the container,
/// so a follower polls the file (often while lines come, less when it is quiet), and stops once
/// the container has exited and the file is read to its end.
/// </summary>
internal static class ContainerLog
{
    private static readonly TimeSpan QuickestPoll = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan SlowestPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The entries of the log at <paramref name="path"/> (none while it does not exist). With
    /// <paramref name="follow"/>, waits for new entries until <paramref name="exited"/> has
    /// completed and the rest is read, or until the token is cancelled.
    /// </summary>
    public static async IAsyncEnumerable<LogEntry> ReadAsync(string path, bool follow, Task exited, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exited);
        var pending = new ArrayBufferWriter<byte>();
        var entries = new List<LogEntry>();
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var poll = QuickestPoll;
        FileStream? stream = null;
        try
        {
            while (true)
            {
                // Looked at before the read: the shim reports the exit only once the log holds all
                // of the output, so a read that starts after the exit is the last one needed.
                var done = !follow || exited.IsCompleted;
                stream ??= TryOpen(path);
                if (stream is not null)
                {
                    await ReadNewAsync(stream, buffer, pending, entries, cancellationToken).ConfigureAwait(false);
                }

                foreach (var entry in entries)
                {
                    yield return entry;
                }

                if (done)
                {
                    yield break;
                }

                poll = entries.Count > 0 ? QuickestPoll : TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, SlowestPoll.Ticks));
                entries.Clear();
                await Task.WhenAny(Task.Delay(poll, cancellationToken), exited).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static FileStream? TryOpen(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Reads what was appended since the last call, and parses each whole line; a line still being written waits in <paramref name="pending"/>.</summary>
    private static async Task ReadNewAsync(FileStream stream, byte[] buffer, ArrayBufferWriter<byte> pending, List<LogEntry> entries, CancellationToken cancellationToken)
    {
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            pending.Write(buffer.AsSpan(0, read));
        }

        var data = pending.WrittenSpan;
        var consumed = 0;
        int newline;
        while ((newline = data[consumed..].IndexOf((byte)'\n')) >= 0)
        {
            entries.Add(Parse(data.Slice(consumed, newline)));
            consumed += newline + 1;
        }

        var rest = data[consumed..].ToArray();
        pending.Clear();
        pending.Write(rest);
    }

    private static LogEntry Parse(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        var text = "";
        var stream = LogSource.Stdout;
        var time = DateTimeOffset.MinValue;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
            {
                continue;
            }

            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "log": text = reader.GetString() ?? ""; break;
                case "stream": stream = reader.GetString() == "stderr" ? LogSource.Stderr : LogSource.Stdout; break;
                case "time": time = reader.GetDateTimeOffset(); break;
                default: reader.Skip(); break;
            }
        }

        return new LogEntry(time, stream, text);
    }
}
