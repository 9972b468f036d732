using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Containers.Errors;

namespace Containers.Runtime.Oci;

/// <summary>
/// One run of the OCI runtime's executable with <c>--root</c> and JSON logs: its stdout, and its
/// error message turned into the platform's exception kinds.
/// </summary>
internal static class OciCliCommand
{
    /// <summary>The global options that every command gets: the state root and JSON logs.</summary>
    public static List<string> GlobalArguments(string root, string? logFile = null)
    {
        var args = new List<string> { "--root", root, "--log-format", "json" };
        if (logFile is not null)
        {
            args.Add("--log");
            args.Add(logFile);
        }

        return args;
    }

    /// <summary>Runs <paramref name="binary"/> and returns its stdout; a non-zero exit throws with its message.</summary>
    public static async Task<string> RunAsync(string binary, string root, string subject, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in GlobalArguments(root))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new UnavailableException($"{binary} did not start");
        }
        catch (Win32Exception e)
        {
            throw new NotFoundException($"cannot run the OCI runtime \"{binary}\": {e.Message}; install it or set OciCliRuntimeOptions.BinaryPath", e);
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // runc's commands are short; a cancelled caller should not leave one behind.
                process.Kill();
                throw;
            }

            var output = await stdout.ConfigureAwait(false);
            var error = await stderr.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw ToException(Path.GetFileName(binary), subject, ErrorMessage(error) ?? $"exited with status {process.ExitCode}");
            }

            return output;
        }
    }

    /// <summary>The last error in runc's JSON log lines (stderr or a <c>--log</c> file); plain text is taken as is.</summary>
    public static string? ErrorMessage(string log)
    {
        string? last = null;
        foreach (var line in log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith('{'))
            {
                last = line;
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                if (root.TryGetProperty("level", out var level) && level.GetString() is "error" or "fatal"
                    && root.TryGetProperty("msg", out var msg))
                {
                    last = msg.GetString();
                }
            }
            catch (JsonException)
            {
                last = line;
            }
        }

        return last;
    }

    /// <summary>Maps the runtime's message to the exception kind a caller branches on.</summary>
    public static ContainersException ToException(string runtime, string subject, string message)
    {
        var text = $"{subject}: {runtime}: {message}";
        if (message.Contains("does not exist", StringComparison.Ordinal))
        {
            return new NotFoundException(text);
        }

        if (message.Contains("already exists", StringComparison.Ordinal))
        {
            return new AlreadyExistsException(text);
        }

        if (message.Contains("not stopped", StringComparison.Ordinal) || message.Contains("is running", StringComparison.Ordinal))
        {
            return new ConflictException($"{text}; kill it first, or delete it with force");
        }

        if (message.Contains("invalid", StringComparison.OrdinalIgnoreCase) || message.Contains("unknown signal", StringComparison.Ordinal))
        {
            return new InvalidArgumentException(text);
        }

        return new FailedPreconditionException(text);
    }
}
