namespace Containers.Images.Registry.Auth;

/// <summary>Credentials passed in, per registry host; Docker Hub's aliases find the same entry.</summary>
public sealed class StaticCredentialProvider : ICredentialProvider
{
    private readonly Dictionary<string, RegistryCredential> _credentials = new(StringComparer.Ordinal);

    /// <param name="credentials">Registry (<c>host[:port]</c>, or a URL as in Docker's config) to its credentials.</param>
    public StaticCredentialProvider(IEnumerable<KeyValuePair<string, RegistryCredential>> credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        foreach (var (registry, credential) in credentials)
        {
            _credentials[DockerHub.Normalize(registry)] = credential;
        }
    }

    public StaticCredentialProvider(string registryHost, RegistryCredential credential)
        : this([KeyValuePair.Create(registryHost, credential)])
    {
    }

    /// <summary>No credentials for any registry: everything goes anonymous.</summary>
    public static StaticCredentialProvider Anonymous { get; } = new([]);

    public ValueTask<RegistryCredential?> GetAsync(string registryHost, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registryHost);
        return ValueTask.FromResult(_credentials.GetValueOrDefault(DockerHub.Normalize(registryHost)));
    }
}
