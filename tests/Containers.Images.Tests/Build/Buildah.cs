using System.Diagnostics;
using Containers.Images.Layout;

namespace Containers.Images.Tests.Build;

/// <summary>
/// <c>buildah</c> in a storage of its own (vfs, under a directory the caller removes), so that it
/// touches no global state: the base image comes in from an OCI archive, builds run with chroot
/// isolation (the one that needs no cgroup or network setup on this hybrid-cgroup host; it shares
/// the host's network, which the corpus does not use), and results go out as OCI layouts.
/// </summary>
internal sealed class Buildah(string directory)
{
    public const string Executable = "/usr/bin/buildah";

    public static bool IsInstalled => File.Exists(Executable);

    /// <summary>Loads an image from an OCI archive whose index names it <paramref name="name"/>.</summary>
    public Task PullAsync(string archive) => RunAsync(["pull", "--quiet", $"oci-archive:{archive}"]);

    /// <summary>Builds a Dockerfile as <c>buildah bud</c> does, with the base image taken only from this storage.</summary>
    public Task BuildAsync(string context, string dockerfile, string tag, IReadOnlyDictionary<string, string> buildArgs, string? target)
    {
        var args = new List<string> { "bud", "--isolation", "chroot", "--format", "docker", "--pull-never", "--layers=false", "-f", dockerfile, "-t", tag };
        foreach (var (name, value) in buildArgs)
        {
            args.Add("--build-arg");
            args.Add($"{name}={value}");
        }

        if (target is not null)
        {
            args.Add("--target");
            args.Add(target);
        }

        args.Add(context);
        return RunAsync(args);
    }

    /// <summary>Writes the image <paramref name="tag"/> into an OCI layout and opens it from there.</summary>
    public async Task<IImage> ExportAsync(string tag)
    {
        var layout = Path.Combine(directory, "out-" + Guid.NewGuid().ToString("N"));
        await RunAsync(["push", "--quiet", tag, $"oci:{layout}:{tag}"]);
        return await (await OciLayout.OpenAsync(layout)).GetImageAsync(tag);
    }

    private async Task RunAsync(IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])["--root", Path.Combine(directory, "root"), "--runroot", Path.Combine(directory, "runroot"), "--storage-driver", "vfs", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        // Its own registries.conf and policy would be read from /etc; nothing here reaches a registry.
        start.Environment["BUILDAH_ISOLATION"] = "chroot";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            Assert.Fail($"buildah {string.Join(' ', args)} exited with {process.ExitCode}:\n{await stderr}\n{await stdout}");
        }
    }
}
