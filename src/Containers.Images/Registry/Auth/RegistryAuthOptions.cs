namespace Containers.Images.Registry.Auth;

/// <summary>Settings of registry authentication.</summary>
public sealed class RegistryAuthOptions
{
    /// <summary>
    /// The Docker <c>config.json</c> credentials are read from and stored in; null for Docker's own
    /// (<see cref="Docker.DockerConfigCredentialProvider.DefaultConfigPath"/>).
    /// </summary>
    public string? DockerConfigPath { get; set; }
}
