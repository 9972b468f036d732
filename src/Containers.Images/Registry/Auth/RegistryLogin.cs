using Containers.Errors;
using Microsoft.Extensions.Logging;

namespace Containers.Images.Registry.Auth;

/// <summary>
/// <c>login</c> and <c>logout</c>: credentials are checked against the registry (<c>GET /v2/</c>
/// with them, through the Basic or token flow the registry asks for) before they are stored, and
/// removed from the store on logout.
/// </summary>
public sealed class RegistryLogin
{
    private readonly ICredentialStore _store;
    private readonly RegistryOptions _options;
    private readonly TimeProvider? _time;
    private readonly ILoggerFactory? _loggerFactory;

    /// <param name="store">Where credentials are kept (Docker's <c>config.json</c> for the CLI).</param>
    /// <param name="options">The registry client's options: insecure registries above all.</param>
    public RegistryLogin(ICredentialStore store, RegistryOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options ?? new RegistryOptions();
        _time = timeProvider;
        _loggerFactory = loggerFactory;
    }

    /// <summary>Docker's default registry, for a login that names none.</summary>
    public const string DefaultRegistry = "docker.io";

    /// <summary>
    /// Checks <paramref name="credential"/> against <paramref name="registry"/> (<c>host[:port]</c>,
    /// or a URL as Docker accepts), then stores it; a refusal is a <see cref="RegistryException"/>
    /// and nothing is stored. Returns the registry's name as stored.
    /// </summary>
    public async Task<string> LoginAsync(string registry, RegistryCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var name = Normalize(registry);
        var endpoint = new RegistryEndpoints(_options).ForPush(name);
        var handler = new RegistryAuthHandler(new StaticCredentialProvider(endpoint.Authority, credential), _time, _loggerFactory?.CreateLogger<RegistryAuthHandler>());
        using (var client = new RegistryClient(_options, handler, _time, _loggerFactory))
        {
            var uri = await client.ApiUriAsync(endpoint, string.Empty, cancellationToken).ConfigureAwait(false);
            using var response = await client.SendOkAsync(HttpMethod.Get, uri, endpoint.Authority, null, null, "log in to", name, cancellationToken).ConfigureAwait(false);
        }

        await _store.StoreAsync(name, credential, cancellationToken).ConfigureAwait(false);
        return name;
    }

    /// <summary>Removes the stored credentials of <paramref name="registry"/>; false when there were none.</summary>
    public ValueTask<bool> LogoutAsync(string registry, CancellationToken cancellationToken = default) =>
        _store.EraseAsync(Normalize(registry), cancellationToken);

    /// <summary>
    /// The registry's <c>host[:port]</c> from what a user types: <c>https://host:5000/v2/</c> and
    /// <c>host:5000</c> alike; blank is Docker Hub.
    /// </summary>
    public static string Normalize(string? registry)
    {
        var text = registry?.Trim() ?? string.Empty;
        if (text.Contains("://", StringComparison.Ordinal))
        {
            text = Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri.IsDefaultPort ? uri.Host : uri.Authority
                : throw new InvalidArgumentException($"registry \"{registry}\" is not host[:port] or an http(s) URL");
        }

        text = text.TrimEnd('/');
        if (text.Length == 0 || DockerHub.IsAlias(text))
        {
            return DefaultRegistry;
        }

        return RegistryAuthority.TryParse(text, out _)
            ? text
            : throw new InvalidArgumentException($"registry \"{registry}\" is not host[:port] or an http(s) URL");
    }
}
