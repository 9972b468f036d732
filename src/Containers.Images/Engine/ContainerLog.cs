using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Containers.Images.Engine;

/// <summary>
/// A container's log in Docker's json-file format (<c>{"log":"hello\n","stream":"stdout","time":"…"}</c>,
/// one object a line): one pump per container copies its stdout and stderr pipes into the file line by
/// line, and readers follow it, woken by each write.
/// </summary>
internal sealed class ContainerLog : IAsyncDisposable
{
    /// <summary>Docker's json-file driver splits lines longer than this.</summary>
    private const int MaxLine = 16 * 1024;

    private readonly FileStream _writer;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = NewSignal();
    private Task _pump = Task.CompletedTask;
    private bool _closed;

    private ContainerLog(string path, TimeProvider time)
    {
        Path = path;
        _time = time;
        _writer = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
    }

    public string Path { get; }

    /// <summary>Completes when both pipes have reached their end (every process holding them has exited).</summary>
    public Task Completed => _pump;

    public static ContainerLog Open(string path, TimeProvider time) => new(path, time);

    /// <summary>Starts copying <paramref name="stdout"/> and <paramref name="stderr"/> into the log.</summary>
    public void Pump(Stream? stdout, Stream? stderr) =>
        _pump = Task.WhenAll(Task.Run(() => PumpAsync(stdout, LogSource.Stdout)), Task.Run(() => PumpAsync(stderr, LogSource.Stderr)));

    /// <summary>
    /// The entries of the log at <paramref name="path"/>. With <paramref name="follow"/> and a live
    /// <paramref name="live"/> log, waits for new entries until its pump completes or the token is cancelled.
    /// </summary>
    public static async IAsyncEnumerable<LogEntry> ReadAsync(string path, ContainerLog? live, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var pending = new ArrayBufferWriter<byte>();
        var entries = new List<LogEntry>();
        var buffer = new byte[64 * 1024];
        // Opened once and kept: a container removed while its log is read (run --rm) takes the
        // file's name away, not the lines still to be read from it.
        FileStream? stream = null;
        try
        {
            while (true)
            {
                var changed = live?._changed.Task;
                var done = live is null || live.Completed.IsCompleted;
                stream ??= TryOpen(path);
                if (stream is not null)
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

                foreach (var entry in entries)
                {
                    yield return entry;
                }

                entries.Clear();
                if (!follow || done || live is null)
                {
                    yield break;
                }

                await Task.WhenAny(changed!, live.Completed).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _closed = true;
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
        Signal();
    }

    private static FileStream? TryOpen(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, useAsync: false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static LogEntry Parse(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        string text = "";
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

    private async Task PumpAsync(Stream? source, LogSource kind)
    {
        if (source is null)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(MaxLine);
        var line = new ArrayBufferWriter<byte>(MaxLine);
        try
        {
            int read;
            while ((read = await ReadAsync(source, buffer).ConfigureAwait(false)) > 0)
            {
                var data = buffer.AsSpan(0, read);
                while (data.Length > 0)
                {
                    var newline = data.IndexOf((byte)'\n');
                    var take = newline >= 0 ? newline + 1 : data.Length;
                    take = Math.Min(take, MaxLine - line.WrittenCount);
                    line.Write(data[..take]);
                    data = data[take..];
                    if (line.WrittenSpan[^1] == '\n' || line.WrittenCount == MaxLine)
                    {
                        Write(kind, line.WrittenSpan);
                        line.Clear();
                    }
                }
            }

            if (line.WrittenCount > 0)
            {
                Write(kind, line.WrittenSpan);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<int> ReadAsync(Stream source, byte[] buffer)
    {
        try
        {
            return await source.ReadAsync(buffer).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException)
        {
            // The engine closed its end: the container was removed.
            return 0;
        }
    }

    private void Write(LogSource kind, ReadOnlySpan<byte> text)
    {
        var output = new ArrayBufferWriter<byte>(text.Length + 96);
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteString("log", Encoding.UTF8.GetString(text));
            json.WriteString("stream", kind == LogSource.Stderr ? "stderr" : "stdout");
            json.WriteString("time", _time.GetUtcNow());
            json.WriteEndObject();
        }

        output.Write("\n"u8);
        lock (_gate)
        {
            // One write(2) per entry: a reader never sees half of one unless it reads mid-call,
            // and it only consumes whole lines.
            if (!_closed)
            {
                _writer.Write(output.WrittenSpan);
            }
        }

        Signal();
    }

    private void Signal() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
}
