using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Images.Registry.Auth;

/// <summary>
/// Authenticates the registry client's requests: anonymous first, then what the registry's
/// <c>WWW-Authenticate</c> challenge asks for, Basic or a Bearer token from its token server,
/// cached per registry and scope set and renewed when it expires or is refused.
/// </summary>
/// <remarks>
/// <para>
/// Only a request whose URI authority is the registry named by
/// <see cref="RegistryRequestOptions.Registry"/> is authenticated. Any other request (a redirect
/// hop to blob storage) goes out with no <c>Authorization</c> header, and if that host asks for
/// credentials the request fails, naming both hosts. A request without the option passes through
/// untouched.
/// </para>
/// <para>
/// A 401 is answered by authenticating and sending the request once more, which needs its body
/// again: only requests with no content, <see cref="ByteArrayContent"/> (and so
/// <see cref="StringContent"/>), <see cref="ReadOnlyMemoryContent"/> or the client's
/// <see cref="ReplayableContent"/> are resent. Once a registry's
/// challenge is known, every later request to it is authenticated before it is sent (its token
/// fetched first), so a streamed upload, which follows the POST that opened it, goes out
/// authenticated and is not refused. A streamed request that still meets a 401 fails; the
/// operation may be retried.
/// </para>
/// <para>
/// Token realms are checked by <see cref="TokenRealm"/>; the credentials sent to a realm are the
/// registry's, and the token is only ever sent to the registry.
/// </para>
/// </remarks>
public sealed partial class RegistryAuthHandler : DelegatingHandler
{
    /// <summary>How long credentials, once looked up, are used before they are looked up again (a helper is a process to run).</summary>
    private static readonly TimeSpan CredentialLifetime = TimeSpan.FromMinutes(1);

    private readonly ICredentialProvider _credentials;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TokenCache _tokens;
    private readonly TokenClient _tokenClient;
    private readonly ConcurrentDictionary<string, AuthChallenge> _challenges = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (RegistryCredential? Credential, DateTimeOffset At)> _knownCredentials = new(StringComparer.OrdinalIgnoreCase);

    public RegistryAuthHandler(ICredentialProvider credentials, TimeProvider? time = null, ILogger<RegistryAuthHandler>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        _credentials = credentials;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<RegistryAuthHandler>.Instance;
        _tokens = new TokenCache(_time);
        _tokenClient = new TokenClient(SendInnerAsync, _time);
    }

    /// <summary>
    /// Hosts (<c>host</c> or <c>host:port</c>) the user marked insecure: a token realm there may be
    /// plain HTTP. Loopback hosts always may. <see cref="RegistryClient.CreateHandler"/> sets the
    /// client's insecure registries here when it is left empty.
    /// </summary>
    public IReadOnlyCollection<string> InsecureHosts { get; set; } = [];

    /// <summary>Not supported: authentication may need a token fetch first, which is asynchronous.</summary>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{nameof(RegistryAuthHandler)} only sends asynchronously; use SendAsync");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RequestUri is not { IsAbsoluteUri: true } uri
            || !request.Options.TryGetValue(RegistryRequestOptions.Registry, out var registryName)
            || string.IsNullOrEmpty(registryName))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var registry = RegistryAuthority.Parse(registryName);
        if (!registry.Matches(uri))
        {
            return await SendElsewhereAsync(request, uri, registry, cancellationToken).ConfigureAwait(false);
        }

        request.Headers.Authorization = null;
        var scopes = TokenScopes.Parse(request.Options.TryGetValue(RegistryRequestOptions.Scope, out var scope) ? scope : null);
        var sent = _challenges.TryGetValue(registryName, out var known)
            ? await AuthorizeAsync(request, uri, registryName, registry, known, scopes, scopes, rejected: null, cancellationToken).ConfigureAwait(false)
            : null;
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var challenge = ChallengeOf(response, registry);
        if (challenge is null)
        {
            // A 401 with nothing to answer: the client reports it with the registry's error codes.
            return response;
        }

        _challenges[registryName] = challenge;
        Log.Challenged(_logger, registryName, challenge.Scheme, challenge.Error ?? "none");
        if (sent is { Scheme: "Basic" } && challenge.IsBasic)
        {
            throw await RefusedAsync(response, registryName, sent, scopes, cancellationToken).ConfigureAwait(false);
        }

        if (!CanSendAgain(request.Content))
        {
            response.Dispose();
            throw new RegistryException(HttpStatusCode.Unauthorized, "authenticate", registryName, message:
                $"registry {registryName} asked for authentication ({challenge.Scheme}) after the streamed body of {request.Method} {uri.AbsolutePath} was sent, and it cannot be sent again; retry the operation: its requests are now authenticated before they are sent");
        }

        response.Dispose();
        var wanted = scopes.With(challenge.Scope);
        var resent = await AuthorizeAsync(request, uri, registryName, registry, challenge, scopes, wanted, sent?.Token, cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException(HttpStatusCode.Unauthorized, "authenticate", registryName, message:
                $"registry {registryName} requires credentials ({challenge.Scheme}) and none are stored for it; log in with `containers login {registryName}`");
        var retried = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (retried.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw await RefusedAsync(retried, registryName, resent, wanted, cancellationToken).ConfigureAwait(false);
        }

        return retried;
    }

    /// <summary>
    /// Sets the Authorization header <paramref name="challenge"/> calls for; null when there is
    /// nothing to send (Basic without credentials, or a scheme this client does not speak).
    /// </summary>
    private async Task<Sent?> AuthorizeAsync(
        HttpRequestMessage request,
        Uri uri,
        string registryName,
        RegistryAuthority registry,
        AuthChallenge challenge,
        TokenScopes scopes,
        TokenScopes wanted,
        string? rejected,
        CancellationToken cancellationToken)
    {
        var credential = await CredentialAsync(registryName, cancellationToken).ConfigureAwait(false);
        if (challenge.IsBasic)
        {
            if (credential is not { HasPassword: true })
            {
                return null;
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential.BasicParameter());
            return new Sent("Basic", null, credential);
        }

        if (!challenge.IsBearer)
        {
            return null;
        }

        var realm = TokenRealm.Resolve(challenge.Realm, registry, uri, InsecureHosts);
        var token = await _tokens.GetAsync($"{registry} {scopes.Key}", rejected, async token =>
        {
            if (!registry.Matches(realm))
            {
                Log.RealmElsewhere(_logger, registryName, realm.Authority);
            }

            var fetched = await _tokenClient.FetchAsync(realm, registryName, challenge.Service, wanted, credential, token).ConfigureAwait(false);
            Log.TokenFetched(_logger, registryName, realm.Authority, wanted, fetched.ExpiresAt);
            return fetched;
        }, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        return new Sent("Bearer", token.Value, credential);
    }

    /// <summary>A hop to a host other than the registry: no credentials, and none asked for.</summary>
    private async Task<HttpResponseMessage> SendElsewhereAsync(HttpRequestMessage request, Uri uri, RegistryAuthority registry, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = null;
        Log.SentElsewhere(_logger, uri.Authority, registry);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        string scheme;
        try
        {
            scheme = WwwAuthenticate.Parse(RawChallenges(response)) is [var first, ..] ? $" ({first.Scheme})" : string.Empty;
        }
        catch (FormatException)
        {
            scheme = string.Empty;
        }

        response.Dispose();
        throw new RegistryException(HttpStatusCode.Unauthorized, "authenticate", registry.ToString(), message:
            $"{uri.Authority}, where registry {registry} sent {request.Method} {uri.AbsolutePath}, asks for credentials{scheme}; the registry's credentials are never sent to another host, so the registry's redirect cannot be followed");
    }

    private async ValueTask<RegistryCredential?> CredentialAsync(string registryName, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_knownCredentials.TryGetValue(registryName, out var known) && now - known.At < CredentialLifetime)
        {
            return known.Credential;
        }

        var credential = await _credentials.GetAsync(registryName, cancellationToken).ConfigureAwait(false);
        _knownCredentials[registryName] = (credential, now);
        return credential;
    }

    /// <summary>The challenge to answer: Bearer over Basic, null when the 401 has none this client speaks.</summary>
    private static AuthChallenge? ChallengeOf(HttpResponseMessage response, RegistryAuthority registry)
    {
        IReadOnlyList<AuthChallenge> challenges;
        try
        {
            challenges = WwwAuthenticate.Parse(RawChallenges(response));
        }
        catch (FormatException e)
        {
            response.Dispose();
            throw new RegistryException(HttpStatusCode.Unauthorized, "authenticate", registry.ToString(), message: $"registry {registry} sent an unusable challenge: {e.Message}");
        }

        return challenges.FirstOrDefault(c => c.IsBearer) ?? challenges.FirstOrDefault(c => c.IsBasic);
    }

    private static string[] RawChallenges(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values) ? [.. values] : [];

    private static bool CanSendAgain(HttpContent? content) => content is null or ByteArrayContent or ReadOnlyMemoryContent or ReplayableContent;

    private static async Task<RegistryException> RefusedAsync(HttpResponseMessage response, string registryName, Sent sent, TokenScopes scopes, CancellationToken cancellationToken)
    {
        using (response)
        {
            var errors = (await RegistryException.FromResponseAsync(response, "authenticate", registryName, cancellationToken).ConfigureAwait(false)).Errors;
            var why = errors.Count > 0 ? $" ({Shown(errors[0].Code)}: {Shown(errors[0].Message ?? string.Empty)})" : string.Empty;
            var message = sent switch
            {
                { Scheme: "Basic" } => $"registry {registryName} refused the credentials of \"{sent.Credential?.Username}\"{why}; check them, or log in again with `containers login {registryName}`",
                { Credential: null } => $"registry {registryName} refused anonymous access to {scopes}{why}; log in with `containers login {registryName}`",
                _ => $"registry {registryName} refused the token issued to {(sent.Credential.Username is { } user ? $"\"{user}\"" : "the identity token")} for {scopes}{why}; the credentials do not grant this access",
            };
            return new RegistryException(HttpStatusCode.Unauthorized, "authenticate", registryName, errors, message);
        }
    }

    /// <summary>A server's text in a message: bounded, one line.</summary>
    private static string Shown(string text)
    {
        var shown = text.Length > 120 ? text[..120] + "…" : text;
        return string.Concat(shown.Select(c => char.IsControl(c) ? ' ' : c));
    }

    private Task<HttpResponseMessage> SendInnerAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    /// <summary>What an attempt sent: the scheme, the token for Bearer, and whose credentials.</summary>
    private sealed record Sent(string Scheme, string? Token, RegistryCredential? Credential);
}
