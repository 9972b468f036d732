using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Containers.Images.Tests.Registry.Auth;

/// <summary>
/// A token server for the reference registry's token authentication, on 127.0.0.1: it checks
/// Basic credentials against its users and issues ES256 JWTs with the actions each user may have,
/// signed by a key whose self-signed certificate goes in the token's <c>x5c</c> header and in the
/// registry's <c>rootcertbundle</c>.
/// </summary>
internal sealed class TestTokenServer : IAsyncDisposable
{
    public const string Service = "test-registry";
    public const string Issuer = "test-token-issuer";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _certificate;
    private readonly Dictionary<string, (string Password, string[] Actions)> _users = new(StringComparer.Ordinal);
    private readonly FakeRegistryServer _server;

    public TestTokenServer()
    {
        var request = new CertificateRequest($"CN={Issuer}", _key, HashAlgorithmName.SHA256);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        _server = new FakeRegistryServer((request, _) =>
        {
            Requests.Enqueue(request);
            return Task.FromResult(Answer(request));
        });
    }

    public string Realm => $"http://127.0.0.1:{_server.Port}/token";

    /// <summary>Every token request, in order.</summary>
    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    /// <summary>The signing certificate as PEM, for the registry's <c>rootcertbundle</c>.</summary>
    public string CertificatePem => _certificate.ExportCertificatePem();

    /// <summary>The registry's <c>auth:</c> section for this server, its certificate written into <paramref name="directory"/> (the test's, which outlives the registry).</summary>
    public string RegistryAuth(string directory)
    {
        var bundle = Path.Combine(directory, "token-root.pem");
        File.WriteAllText(bundle, CertificatePem);
        return Containers.Testing.RegistryServer.TokenAuth(Realm, Service, Issuer, bundle);
    }

    /// <summary>A user and the repository actions the user is granted (<c>pull</c>, <c>push</c>...).</summary>
    public TestTokenServer WithUser(string user, string password, params string[] actions)
    {
        _users[user] = (password, actions);
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificate.Dispose();
        _key.Dispose();
    }

    private FakeResponse Answer(FakeRequest request)
    {
        if (request.Path != "/token")
        {
            return new FakeResponse(404);
        }

        if (!TryUser(request.Header("Authorization"), out var user, out var allowed))
        {
            return FakeResponse.Json(401, """{"errors":[{"code":"UNAUTHORIZED","message":"invalid username or password"}]}""")
                .With("WWW-Authenticate", "Basic realm=\"token\"");
        }

        var access = request.QueryValues("scope")
            .SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(s => (Parts: s.Split(':'), Scope: s))
            .Where(s => s.Parts.Length == 3 && s.Parts[0] == "repository")
            .Select(s => new { type = "repository", name = s.Parts[1], actions = s.Parts[2].Split(',').Intersect(allowed).ToArray() })
            .ToArray();
        var now = DateTimeOffset.UtcNow;
        var token = Sign(new
        {
            iss = Issuer,
            sub = user,
            aud = request.QueryValue("service") ?? Service,
            exp = now.AddMinutes(5).ToUnixTimeSeconds(),
            nbf = now.AddSeconds(-10).ToUnixTimeSeconds(),
            iat = now.ToUnixTimeSeconds(),
            jti = Guid.NewGuid().ToString("N"),
            access,
        });
        return FakeResponse.Json(200, JsonSerializer.Serialize(new { token, access_token = token, expires_in = 300, issued_at = now.ToString("O") }));
    }

    private bool TryUser(string? authorization, out string user, out string[] actions)
    {
        user = string.Empty;
        actions = [];
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return false;
        }

        var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..])).Split(':', 2);
        if (pair.Length != 2 || !_users.TryGetValue(pair[0], out var known) || known.Password != pair[1])
        {
            return false;
        }

        (user, actions) = (pair[0], known.Actions);
        return true;
    }

    /// <summary>A compact JWS, ES256 (the signature is r‖s, as .NET signs by default), the certificate in <c>x5c</c>.</summary>
    private string Sign(object claims)
    {
        var header = JsonSerializer.SerializeToUtf8Bytes(new { typ = "JWT", alg = "ES256", x5c = new[] { Convert.ToBase64String(_certificate.RawData) } });
        var payload = JsonSerializer.SerializeToUtf8Bytes(claims);
        var signed = $"{Base64Url(header)}.{Base64Url(payload)}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256);
        return $"{signed}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
