namespace Containers;

/// <summary>
/// Where the platform keeps its state by default. The root is deliberately not Docker's or
/// podman's (<c>/var/lib/docker</c>, <c>/var/lib/containers</c>), so the two never clash.
/// </summary>
public static class ContainersPaths
{
    /// <summary>The environment variable that moves the default root.</summary>
    public const string RootVariable = "DOTNET_CONTAINERS_ROOT";

    /// <summary><c>/var/lib/dotnet-containers</c> for root, <c>$XDG_DATA_HOME/dotnet-containers</c> otherwise.</summary>
    public static string DefaultRoot
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(RootVariable);
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                return fromEnvironment;
            }

            if (OperatingSystem.IsLinux() && Environment.UserName == "root")
            {
                return "/var/lib/dotnet-containers";
            }

            var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            if (string.IsNullOrEmpty(data))
            {
                data = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            }

            return Path.Combine(data, "dotnet-containers");
        }
    }

    /// <summary>The default content store directory under the root.</summary>
    public static string Content => Path.Combine(DefaultRoot, "content");
}
