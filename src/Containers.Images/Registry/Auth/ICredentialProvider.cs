namespace Containers.Images.Registry.Auth;

/// <summary>Finds the credentials for a registry.</summary>
public interface ICredentialProvider
{
    /// <summary>
    /// The credentials stored for <paramref name="registryHost"/> (<c>host[:port]</c>, as the
    /// registry client names it; <c>docker.io</c>, <c>index.docker.io</c> and
    /// <c>registry-1.docker.io</c> are one registry), or null to go anonymous.
    /// </summary>
    ValueTask<RegistryCredential?> GetAsync(string registryHost, CancellationToken cancellationToken = default);
}
