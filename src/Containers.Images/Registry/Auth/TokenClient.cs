using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Containers.Images.Json;

namespace Containers.Images.Registry.Auth;

/// <summary>
/// Asks a token server for a registry token: the token spec's GET (<c>realm?service=…&amp;scope=…</c>,
/// with Basic credentials when there are any), or OAuth2's POST form, for an identity token
/// (<c>grant_type=refresh_token</c>) or when the server does not serve the GET
/// (<c>grant_type=password</c> after a 404 or 405).
/// </summary>
internal sealed class TokenClient(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send, TimeProvider time)
{
    /// <summary>The most of a token server's answer read. Tokens are a few KiB.</summary>
    public const int MaxResponseBytes = 1024 * 1024;

    /// <summary>The longest a token is an HTTP header value.</summary>
    public const int MaxTokenLength = 64 * 1024;

    /// <summary>The token spec's default lifetime, and the least Docker assumes.</summary>
    public static readonly TimeSpan MinimumLifetime = TimeSpan.FromSeconds(60);

    /// <summary>A token is not kept longer than this, whatever the server says.</summary>
    public static readonly TimeSpan MaximumLifetime = TimeSpan.FromDays(1);

    /// <summary>The OAuth2 client id sent with POST requests.</summary>
    public const string ClientId = "dotnet-containers";

    public async Task<BearerToken> FetchAsync(Uri realm, string registry, string? service, TokenScopes scopes, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        if (credential?.IdentityToken is { } refresh)
        {
            response = await PostAsync(realm, service, scopes, [new("grant_type", "refresh_token"), new("refresh_token", refresh)], cancellationToken).ConfigureAwait(false);
        }
        else
        {
            response = await GetAsync(realm, service, scopes, credential, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed && credential is { HasPassword: true })
            {
                response.Dispose();
                response = await PostAsync(realm, service, scopes, [new("grant_type", "password"), new("username", credential.Username!), new("password", credential.Password!)], cancellationToken).ConfigureAwait(false);
            }
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await FailedAsync(response, realm, registry, scopes, credential, cancellationToken).ConfigureAwait(false);
            }

            var body = await ReadBoundedAsync(response.Content, realm, registry, cancellationToken).ConfigureAwait(false);
            return Parse(body, realm, registry);
        }
    }

    private Task<HttpResponseMessage> GetAsync(Uri realm, string? service, TokenScopes scopes, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        var query = new StringBuilder(realm.Query.Length > 1 ? realm.Query[1..] : string.Empty);
        if (!string.IsNullOrEmpty(service))
        {
            Append(query, "service", service);
        }

        foreach (var scope in scopes.Values)
        {
            Append(query, "scope", scope);
        }

        if (credential is { HasPassword: true })
        {
            Append(query, "account", credential.Username!);
        }

        var uri = new UriBuilder(realm) { Query = query.ToString() }.Uri;
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (credential is { HasPassword: true })
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential.BasicParameter());
        }

        return SendAsync(request, cancellationToken);
    }

    private Task<HttpResponseMessage> PostAsync(Uri realm, string? service, TokenScopes scopes, List<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        form.Add(new("client_id", ClientId));
        if (!string.IsNullOrEmpty(service))
        {
            form.Add(new("service", service));
        }

        if (!scopes.IsEmpty)
        {
            form.Add(new("scope", scopes.Key));
        }

        return SendAsync(new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) }, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            request.Headers.Accept.ParseAdd("application/json");
            return await send(request, cancellationToken).ConfigureAwait(false);
        }
    }

    private BearerToken Parse(byte[] body, Uri realm, string registry)
    {
        TokenResponse? answer;
        try
        {
            answer = JsonSerializer.Deserialize(body, RegistryAuthJsonContext.Default.TokenResponse);
        }
        catch (JsonException e)
        {
            throw Invalid(realm, registry, $"an answer that is not JSON ({e.Message})");
        }

        var token = !string.IsNullOrEmpty(answer?.AccessToken) ? answer.AccessToken : answer?.Token;
        if (string.IsNullOrEmpty(token))
        {
            throw Invalid(realm, registry, "no token");
        }

        // The token goes into a header line: printable ASCII, bounded.
        if (token.Length > MaxTokenLength || token.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            throw Invalid(realm, registry, "a token that is not a valid header value");
        }

        var lifetime = answer!.ExpiresIn is > 0 and var seconds ? TimeSpan.FromSeconds(Math.Min(seconds, (long)MaximumLifetime.TotalSeconds)) : MinimumLifetime;
        if (lifetime < MinimumLifetime)
        {
            lifetime = MinimumLifetime;
        }

        // issued_at is the server's clock: it counts only when it is plausible on ours.
        var now = time.GetUtcNow();
        var start = DateTimeOffset.TryParse(answer.IssuedAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var issued)
            && issued <= now && issued > now - lifetime
            ? issued
            : now;
        return new BearerToken(token, start + lifetime);
    }

    private static async Task<RegistryException> FailedAsync(HttpResponseMessage response, Uri realm, string registry, TokenScopes scopes, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        var parsed = await RegistryException.FromResponseAsync(response, "authenticate", registry, cancellationToken).ConfigureAwait(false);
        var who = credential switch
        {
            null => "anonymous access",
            { Username: { } user } => $"the credentials of \"{user}\"",
            _ => "the identity token",
        };
        var what = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? $"refused {who}"
            : $"answered {(int)response.StatusCode}";
        var hint = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? credential is null ? $"; log in with `containers login {registry}`" : $"; check them, or log in again with `containers login {registry}`"
            : (int)response.StatusCode is >= 300 and < 400 ? " (a token server's redirect is not followed)" : string.Empty;
        return new RegistryException(
            response.StatusCode,
            "authenticate",
            registry,
            parsed.Errors,
            $"token server {realm.GetLeftPart(UriPartial.Path)} of registry {registry} {what} for {scopes}{hint}");
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, Uri realm, string registry, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxResponseBytes)
        {
            throw Invalid(realm, registry, $"an answer of {content.Headers.ContentLength} bytes");
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxResponseBytes)
                {
                    throw Invalid(realm, registry, $"an answer over {MaxResponseBytes} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private static RegistryException Invalid(Uri realm, string registry, string what) =>
        new(HttpStatusCode.Unauthorized, "authenticate", registry, message: $"token server {realm.GetLeftPart(UriPartial.Path)} of registry {registry} sent {what}");

    private static void Append(StringBuilder query, string name, string value)
    {
        if (query.Length > 0)
        {
            query.Append('&');
        }

        query.Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }
}
