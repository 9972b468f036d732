using System.Diagnostics;

namespace Containers.Benchmarks;

/// <summary>Runs a peer's (or our CLI's) process to its end, as a contestant in a side-by-side run.</summary>
internal static class ChildProcess
{
    /// <summary>Runs <paramref name="file"/> and returns 0, or throws with its stderr when it failed.</summary>
    public static int Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? 0 : throw new InvalidOperationException($"{file} exited with {process.ExitCode}: {error}");
    }
}
