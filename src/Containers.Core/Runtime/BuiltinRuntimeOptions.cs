namespace Containers.Runtime;

/// <summary>Settings of the built-in runtime.</summary>
public sealed class BuiltinRuntimeOptions
{
    /// <summary>
    /// Where container state lives: one directory per container with its state, the shim's
    /// socket and its exit status. A tmpfs, so that a reboot forgets containers that no longer run.
    /// </summary>
    public string StateRoot { get; set; } = DefaultStateRoot;

    /// <summary>
    /// The cgroup that holds containers whose spec names no <c>cgroupsPath</c>. Relative: under the
    /// creating process's own cgroup in each hierarchy, as runc treats relative paths.
    /// </summary>
    public string CgroupParent { get; set; } = "dotnet-containers";

    /// <summary>How long delete waits for a killed container's processes to leave its cgroup.</summary>
    public TimeSpan DeleteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>/run/dotnet-containers</c> as root; under <c>XDG_RUNTIME_DIR</c> otherwise. Never runc's or podman's.</summary>
    public static string DefaultStateRoot =>
        Environment.UserName == "root" || string.IsNullOrEmpty(Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR"))
            ? "/run/dotnet-containers"
            : Path.Combine(Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR")!, "dotnet-containers");
}
