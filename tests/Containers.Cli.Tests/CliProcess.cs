using System.Diagnostics;
using System.Text;

namespace Containers.Cli.Tests;

/// <summary>
/// The <c>containers</c> executable run as a child process, for what an in-process run cannot
/// show: signals sent to the CLI, and containers that outlive it.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _output = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public string Stdout
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    public static CliProcess Start(params string[] args) => StartIgnoring(null, args);

    /// <summary>
    /// Starts it with <paramref name="ignoring"/> (trap's names, such as <c>INT QUIT</c>) ignored,
    /// as a script's background job starts: through a shell that ignores them and execs it.
    /// </summary>
    public static CliProcess StartIgnoring(string? ignoring, params string[] args)
    {
        var containers = Path.Combine(AppContext.BaseDirectory, "containers");
        var start = new ProcessStartInfo(ignoring is null ? containers : "/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (ignoring is not null)
        {
            foreach (var arg in (string[])["-c", $"trap '' {ignoring}; exec \"$@\"", "sh", containers])
            {
                start.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new CliProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start containers"));
    }

    /// <summary>Runs to its end and returns its exit code and output.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var process = Start(args);
        var code = await process.WaitForExitAsync(timeout);
        return (code, process.Stdout, process.Stderr);
    }

    /// <summary>Waits until its stdout holds <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_stdout.ToString().Contains(text, StringComparison.Ordinal))
                {
                    return;
                }

                changed = _output.Task;
            }

            try
            {
                await Task.WhenAny(changed, _process.WaitForExitAsync(cancel.Token)).WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"containers did not print \"{text}\" in {timeout}; stdout: {Stdout}; stderr: {Stderr}");
            }

            if (_process.HasExited && !Stdout.Contains(text, StringComparison.Ordinal))
            {
                Assert.Fail($"containers exited ({_process.ExitCode}) without printing \"{text}\"; stdout: {Stdout}; stderr: {Stderr}");
            }
        }
    }

    /// <summary>Writes <paramref name="text"/> to its stdin and closes it.</summary>
    public async Task WriteStdinAndCloseAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text);
        _process.StandardInput.Close();
    }

    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed");
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            Assert.Fail($"containers did not exit in {timeout}; stdout: {Stdout}; stderr: {Stderr}");
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            target.Append(line).Append('\n');
            _output.TrySetResult();
            _output = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
