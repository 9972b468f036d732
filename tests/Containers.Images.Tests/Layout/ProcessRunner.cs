using System.Diagnostics;

namespace Containers.Images.Tests.Layout;

/// <summary>Runs the real tools (skopeo, umoci) with a timeout, keeping their output for assertion messages.</summary>
internal static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Marks the test ignored when <paramref name="path"/> is not installed.</summary>
    public static void Require(string path)
    {
        if (!File.Exists(path))
        {
            Assert.Ignore($"needs {path}: install it to run the interoperability tests");
        }
    }

    /// <summary>Runs a tool and fails the test, showing its stderr, unless it exits with 0.</summary>
    public static async Task<string> RunAsync(string fileName, params string[] arguments)
    {
        var result = await RunUncheckedAsync(fileName, arguments);
        Assert.That(result.ExitCode, Is.Zero, () => $"{result.CommandLine} failed with exit code {result.ExitCode}:\n{result.Stderr}\n{result.Stdout}");
        return result.Stdout;
    }

    public static async Task<ProcessResult> RunUncheckedAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var commandLine = string.Join(' ', [fileName, .. arguments]);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{commandLine} did not finish within {timeout ?? DefaultTimeout}:\n{await stderr}");
        }

        return new ProcessResult(commandLine, process.ExitCode, await stdout, await stderr);
    }
}

internal sealed record ProcessResult(string CommandLine, int ExitCode, string Stdout, string Stderr);
