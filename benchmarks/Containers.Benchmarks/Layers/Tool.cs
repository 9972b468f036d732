using System.Diagnostics;

namespace Containers.Benchmarks.Layers;

/// <summary>Runs the peer tools (GNU tar, gzip, umoci) and the shell helpers the fixtures need.</summary>
internal static class Tool
{
    public const string Tar = "/usr/bin/tar";
    public const string Umoci = "/usr/bin/umoci";

    /// <summary>Throws, naming the package, when a peer is not installed: a suite without its peer measures nothing.</summary>
    public static void Require(string path, string package)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"the layer suites compare against {path}, which is not installed; install {package}");
        }
    }

    /// <summary>Runs a command to the end and returns its stdout; a non-zero exit throws with its stderr.</summary>
    public static string Run(string fileName, params string[] arguments)
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

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', [fileName, .. arguments])} exited with {process.ExitCode}: {stderr.GetAwaiter().GetResult()}");
        }

        return stdout;
    }

    /// <summary>Runs a shell command line (for redirections); arguments are <c>$1</c>, <c>$2</c>, ….</summary>
    public static string Shell(string script, params string[] arguments) => Run("/bin/sh", ["-c", script, "sh", .. arguments]);
}
