namespace Containers.Processes;

/// <summary>
/// This side of a container process's stdio. With <see cref="StdioMode.Pipes"/> the three
/// streams are set; with <see cref="StdioMode.Terminal"/> only <see cref="Terminal"/> is.
/// </summary>
public sealed class ProcessIo(Stream? standardInput, Stream? standardOutput, Stream? standardError, Stream? terminal = null) : IAsyncDisposable
{
    /// <summary>No streams: stdio is null or inherited.</summary>
    public static ProcessIo None => new(null, null, null);

    /// <summary>Writes to the process's stdin; dispose it to send end-of-file.</summary>
    public Stream? StandardInput { get; } = standardInput;

    public Stream? StandardOutput { get; } = standardOutput;

    public Stream? StandardError { get; } = standardError;

    /// <summary>The pseudo-terminal's master side: read the output, write the input.</summary>
    public Stream? Terminal { get; } = terminal;

    public async ValueTask DisposeAsync()
    {
        foreach (var stream in new[] { StandardInput, StandardOutput, StandardError, Terminal })
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
