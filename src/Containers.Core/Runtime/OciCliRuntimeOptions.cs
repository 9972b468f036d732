namespace Containers.Runtime;

/// <summary>Settings of an adapter that drives an OCI runtime's command line (runc, crun).</summary>
public sealed class OciCliRuntimeOptions
{
    private static readonly string[] SystemDirectories = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"];

    /// <summary>The runtime's short name, which is also the adapter's <see cref="IContainerRuntime.Name"/>.</summary>
    public string Name { get; set; } = "runc";

    /// <summary>The runtime's executable; when null, <c>/usr/sbin/&lt;name&gt;</c>, <c>/usr/bin/&lt;name&gt;</c> or the first on PATH.</summary>
    public string? BinaryPath { get; set; }

    /// <summary>
    /// The runtime's own state directory, passed as its <c>--root</c>; when null,
    /// <c>/run/dotnet-containers-&lt;name&gt;</c>. Never <c>/run/runc</c>: containers of ours do not mix with
    /// those of podman or of a bare runc.
    /// </summary>
    public string? Root { get; set; }

    /// <summary>
    /// Where this adapter keeps, per container, its shim's socket and the exit status file; when null,
    /// <c>&lt;root&gt;-shims</c> beside an explicit <see cref="Root"/>, else <c>/run/dotnet-containers-&lt;name&gt;-shims</c>.
    /// </summary>
    public string? StateRoot { get; set; }

    /// <summary>The root directory this adapter uses for the runtime's <c>--root</c>.</summary>
    public string EffectiveRoot => Root ?? DefaultDirectory(Name);

    /// <summary>The directory this adapter uses for its shims' state.</summary>
    public string EffectiveStateRoot => StateRoot ?? (Root is null ? DefaultDirectory(Name + "-shims") : Path.TrimEndingDirectorySeparator(Root) + "-shims");

    /// <summary>The executable this adapter runs.</summary>
    public string EffectiveBinaryPath => BinaryPath ?? Locate(Name);

    private static string DefaultDirectory(string leaf) =>
        Environment.UserName == "root" || string.IsNullOrEmpty(Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR"))
            ? $"/run/dotnet-containers-{leaf}"
            : Path.Combine(Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR")!, $"dotnet-containers-{leaf}");

    private static string Locate(string name)
    {
        foreach (var dir in SystemDirectories.Concat((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine("/usr/sbin", name);
    }
}
