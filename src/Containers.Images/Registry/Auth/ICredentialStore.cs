namespace Containers.Images.Registry.Auth;

/// <summary>A credential provider that can also keep credentials: what <c>login</c> and <c>logout</c> use.</summary>
public interface ICredentialStore : ICredentialProvider
{
    /// <summary>Stores <paramref name="credential"/> for <paramref name="registryHost"/>, replacing what was there.</summary>
    ValueTask StoreAsync(string registryHost, RegistryCredential credential, CancellationToken cancellationToken = default);

    /// <summary>Removes the credentials of <paramref name="registryHost"/>; false when there were none.</summary>
    ValueTask<bool> EraseAsync(string registryHost, CancellationToken cancellationToken = default);
}
