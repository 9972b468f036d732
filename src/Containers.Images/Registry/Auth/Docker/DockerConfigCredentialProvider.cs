using System.Text;
using System.Text.Json;
using Containers.Errors;
using Containers.Images.Content.Local;
using Containers.Images.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Images.Registry.Auth.Docker;

/// <summary>
/// Credentials kept as Docker keeps them, in <c>config.json</c> (<c>$DOCKER_CONFIG/config.json</c>,
/// else <c>~/.docker/config.json</c>): base64 <c>user:password</c> or an identity token under
/// <c>auths</c>, or in a credential helper named by <c>credHelpers</c> (per registry) or
/// <c>credsStore</c> (for all). Docker Hub is keyed <c>https://index.docker.io/v1/</c>, as Docker
/// writes it. The file is read on every lookup, so a login elsewhere is seen at once, and written
/// whole, atomically, with mode 0600.
/// </summary>
public sealed partial class DockerConfigCredentialProvider : ICredentialStore
{
    private readonly ILogger _logger;

    /// <param name="configPath">The <c>config.json</c> to use; <see cref="DefaultConfigPath"/> when null.</param>
    public DockerConfigCredentialProvider(string? configPath = null, ILogger<DockerConfigCredentialProvider>? logger = null)
    {
        ConfigPath = Path.GetFullPath(configPath ?? DefaultConfigPath);
        _logger = logger ?? NullLogger<DockerConfigCredentialProvider>.Instance;
    }

    /// <summary>The environment variable Docker reads for its configuration directory.</summary>
    public const string ConfigDirectoryVariable = "DOCKER_CONFIG";

    /// <summary><c>$DOCKER_CONFIG/config.json</c>, else <c>~/.docker/config.json</c>, as Docker finds it.</summary>
    public static string DefaultConfigPath
    {
        get
        {
            var directory = Environment.GetEnvironmentVariable(ConfigDirectoryVariable);
            if (string.IsNullOrEmpty(directory))
            {
                directory = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
            }

            return Path.Combine(directory, "config.json");
        }
    }

    public string ConfigPath { get; }

    /// <summary>
    /// The credentials for <paramref name="registryHost"/>. A credential helper that is missing or
    /// fails is logged and counts as no credentials, as for Docker's pulls: anonymous access may
    /// still work, and a registry that needs credentials then says so.
    /// </summary>
    public async ValueTask<RegistryCredential?> GetAsync(string registryHost, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(registryHost);
        var config = await LoadAsync(cancellationToken).ConfigureAwait(false);
        if (config is null)
        {
            return null;
        }

        if (HelperFor(config, registryHost) is { } helper)
        {
            try
            {
                return await helper.GetAsync(DockerHub.KeyFor(registryHost), cancellationToken).ConfigureAwait(false);
            }
            catch (FailedPreconditionException e)
            {
                Log.HelperFailed(_logger, helper.Program, registryHost, e.Message);
                return null;
            }
        }

        return Find(config.Auths, registryHost) is { } entry ? Decode(entry.Value, registryHost) : null;
    }

    /// <summary>
    /// Stores <paramref name="credential"/>: in the registry's credential helper when one is
    /// configured (leaving an empty <c>auths</c> entry, as Docker does), else base64 under <c>auths</c>.
    /// </summary>
    public async ValueTask StoreAsync(string registryHost, RegistryCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(registryHost);
        ArgumentNullException.ThrowIfNull(credential);
        var config = await LoadAsync(cancellationToken).ConfigureAwait(false) ?? new DockerConfigFile();
        var key = DockerHub.KeyFor(registryHost);
        var auths = config.Auths ??= new Dictionary<string, DockerAuthEntry>(StringComparer.Ordinal);
        if (Find(auths, registryHost) is { } existing)
        {
            auths.Remove(existing.Key);
        }

        if (HelperFor(config, registryHost) is { } helper)
        {
            await helper.StoreAsync(key, credential, cancellationToken).ConfigureAwait(false);
            auths[key] = new DockerAuthEntry();
        }
        else
        {
            auths[key] = credential.IdentityToken is { } token
                ? new DockerAuthEntry { IdentityToken = token, Auth = credential.Username is { } user ? RegistryCredential.EncodeBasic(user, string.Empty) : null }
                : new DockerAuthEntry { Auth = RegistryCredential.EncodeBasic(credential.Username!, credential.Password!) };
        }

        Save(config);
    }

    /// <summary>Removes <paramref name="registryHost"/>'s credentials from the file and from its credential helper.</summary>
    public async ValueTask<bool> EraseAsync(string registryHost, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(registryHost);
        var config = await LoadAsync(cancellationToken).ConfigureAwait(false);
        if (config is null)
        {
            return false;
        }

        var erased = false;
        if (HelperFor(config, registryHost) is { } helper)
        {
            erased = await helper.EraseAsync(DockerHub.KeyFor(registryHost), cancellationToken).ConfigureAwait(false);
        }

        while (Find(config.Auths, registryHost) is { } entry)
        {
            config.Auths!.Remove(entry.Key);
            erased = true;
        }

        if (erased)
        {
            Save(config);
        }

        return erased;
    }

    private async Task<DockerConfigFile?> LoadAsync(CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(ConfigPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        if (bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, RegistryAuthJsonContext.Default.DockerConfigFile);
        }
        catch (JsonException e)
        {
            throw new FailedPreconditionException($"Docker config {ConfigPath} is not valid JSON ({e.Message}); fix or remove it", e);
        }
    }

    private void Save(DockerConfigFile config)
    {
        // Docker writes through a symlinked config.json to its target; so do we.
        var path = ConfigPath;
        var file = new FileInfo(path);
        if (file.LinkTarget is not null && file.ResolveLinkTarget(returnFinalTarget: true) is { } target)
        {
            path = target.FullName;
        }

        var directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(config, RegistryAuthJsonContext.Indented.DockerConfigFile);
        AtomicFile.Write(path, bytes, durable: true, mode: UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private CredentialHelper? HelperFor(DockerConfigFile config, string registryHost)
    {
        if (config.CredHelpers is { } helpers)
        {
            var host = DockerHub.Normalize(registryHost);
            foreach (var (key, name) in helpers)
            {
                if (DockerHub.Normalize(key) == host && !string.IsNullOrEmpty(name))
                {
                    return new CredentialHelper(name, $"credHelpers in {ConfigPath}");
                }
            }
        }

        return string.IsNullOrEmpty(config.CredsStore) ? null : new CredentialHelper(config.CredsStore, $"credsStore in {ConfigPath}");
    }

    /// <summary>The entry for <paramref name="registryHost"/>: the exact key first, then any key naming the same host.</summary>
    private static KeyValuePair<string, DockerAuthEntry>? Find(Dictionary<string, DockerAuthEntry>? auths, string registryHost)
    {
        if (auths is null)
        {
            return null;
        }

        var key = DockerHub.KeyFor(registryHost);
        if (auths.TryGetValue(key, out var exact) && exact is not null)
        {
            return KeyValuePair.Create(key, exact);
        }

        var host = DockerHub.Normalize(registryHost);
        foreach (var pair in auths)
        {
            if (pair.Value is not null && DockerHub.Normalize(pair.Key) == host)
            {
                return pair;
            }
        }

        return null;
    }

    private RegistryCredential? Decode(DockerAuthEntry entry, string registryHost)
    {
        string? username = entry.Username, password = entry.Password;
        if (!string.IsNullOrEmpty(entry.Auth))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(entry.Auth));
            }
            catch (FormatException e)
            {
                throw new FailedPreconditionException($"the \"auth\" of {registryHost} in {ConfigPath} is not base64; log in again", e);
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw new FailedPreconditionException($"the \"auth\" of {registryHost} in {ConfigPath} is not user:password; log in again");
            }

            (username, password) = (decoded[..colon], decoded[(colon + 1)..]);
        }

        if (!string.IsNullOrEmpty(entry.IdentityToken))
        {
            return RegistryCredential.FromIdentityToken(entry.IdentityToken, string.IsNullOrEmpty(username) ? null : username);
        }

        return string.IsNullOrEmpty(username) || password is null ? null : RegistryCredential.FromPassword(username, password);
    }
}
