using System.Net;
using System.Text;
using Containers.Images.Registry;
using Containers.Images.Registry.Auth;
using Microsoft.Extensions.Time.Testing;

namespace Containers.Images.Tests.Registry.Auth;

public sealed class RegistryAuthHandlerTests : FakeHostsTest
{
    private const string Challenge = "Bearer realm=\"http://registry.test:5000/token\",service=\"registry.test\"";

    [Test]
    public async Task Anonymous_RegistryWithoutAuth_SendsNoAuthorization()
    {
        var registry = Hosts.Add("registry.test", _ => Respond.Ok());
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));

        using var response = await FakeHosts.SendAsync(client, $"{Base}/v2/", Registry);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(registry.Requests.Select(r => r.Authorization), Is.EqualTo(new string?[] { null }));
    }

    [Test]
    public async Task Basic_Challenge_IsAnsweredOnce_ThenSentBeforeAsked()
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:s3cret"));
        var registry = Hosts.Add("registry.test", r => r.Authorization == expected ? Respond.Ok() : Respond.Unauthorized("Basic realm=\"registry\""));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));

        using var first = await FakeHosts.SendAsync(client, $"{Base}/v2/", Registry);
        using var second = await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/tags/list", Registry, Scope);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(registry.Requests.Select(r => r.Authorization), Is.EqualTo(new[] { null, expected, expected }));
    }

    [Test]
    public void Basic_WithoutCredentials_FailsSayingToLogIn()
    {
        Hosts.Add("registry.test", _ => Respond.Unauthorized("Basic realm=\"registry\""));
        using var client = Hosts.Client(new RegistryAuthHandler(StaticCredentialProvider.Anonymous));

        var e = Assert.ThrowsAsync<RegistryException>(() => FakeHosts.SendAsync(client, $"{Base}/v2/", Registry));

        Assert.That(e!.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(e.Message, Does.Contain("none are stored").And.Contain($"containers login {Registry}"));
    }

    [Test]
    public void Basic_WrongCredentials_FailNamingTheUser()
    {
        var registry = Hosts.Add("registry.test", _ => Respond.Unauthorized("Basic realm=\"registry\""));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));

        var e = Assert.ThrowsAsync<RegistryException>(() => FakeHosts.SendAsync(client, $"{Base}/v2/", Registry));

        Assert.That(e!.Message, Does.Contain("refused the credentials of \"alice\"").And.Contain("UNAUTHORIZED"));
        Assert.That(e.HasCode("UNAUTHORIZED"));
        Assert.That(registry.Requests, Has.Count.EqualTo(2), "one anonymous attempt, one with the credentials, no more");
    }

    [Test]
    public async Task Bearer_Anonymous_FetchesATokenForTheServiceAndScope()
    {
        var registry = Hosts.Add("registry.test", r => r.Path switch
        {
            "/token" => Respond.Ok("""{"token":"anon-token"}"""),
            _ when r.Authorization == "Bearer anon-token" => Respond.Ok(),
            _ => Respond.Unauthorized($"{Challenge},scope=\"{Scope}\""),
        });
        using var client = Hosts.Client(new RegistryAuthHandler(StaticCredentialProvider.Anonymous));

        using var response = await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/manifests/latest", Registry, Scope);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var token = registry.Requests.Single(r => r.Path == "/token");
        Assert.That(token.Authorization, Is.Null);
        Assert.That(token.QueryValues("service"), Is.EqualTo(new[] { "registry.test" }));
        Assert.That(token.QueryValues("scope"), Is.EqualTo(new[] { Scope }));
    }

    [Test]
    public async Task Bearer_WithCredentials_SendsThemToTheRealm_AndTheTokenToTheRegistry()
    {
        var registry = Hosts.Add("registry.test", BearerRegistry(out _));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));

        using var response = await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/manifests/latest", Registry, "repository:team/app:push,pull");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var token = registry.Requests.Single(r => r.Path == "/token");
        Assert.That(token.Authorization, Is.EqualTo("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:s3cret"))));
        Assert.That(token.QueryValues("scope"), Is.EqualTo(new[] { "repository:team/app:pull,push" }));
        Assert.That(token.QueryValues("account"), Is.EqualTo(new[] { "alice" }));
        Assert.That(registry.Requests.Last().Authorization, Is.EqualTo("Bearer token-1"));
    }

    [Test]
    public async Task Bearer_Token_IsCachedPerScopeSet()
    {
        var registry = Hosts.Add("registry.test", BearerRegistry(out var issued));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));

        (await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/manifests/a", Registry, Scope)).Dispose();
        (await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/manifests/b", Registry, Scope)).Dispose();
        (await FakeHosts.SendAsync(client, $"{Base}/v2/team/other/manifests/a", Registry, "repository:team/other:pull")).Dispose();
        (await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/manifests/c", Registry, Scope)).Dispose();

        Assert.That(issued(), Is.EqualTo(2), "one token per scope set");
        Assert.That(registry.Requests.Where(r => r.Path.StartsWith("/v2/", StringComparison.Ordinal)).Select(r => r.Authorization),
            Is.EqualTo(new[] { null, "Bearer token-1", "Bearer token-1", "Bearer token-2", "Bearer token-1" }));
    }

    [Test]
    public async Task Bearer_ExpiredToken_IsFetchedAgain_OnTheInjectedClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Hosts.Add("registry.test", BearerRegistry(out var issued, expiresIn: 300));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice), time));

        (await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/manifests/a", Registry, Scope)).Dispose();
        time.Advance(TimeSpan.FromSeconds(290));
        (await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/manifests/a", Registry, Scope)).Dispose();
        var beforeExpiry = issued();
        time.Advance(TimeSpan.FromSeconds(10));
        using var response = await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/manifests/a", Registry, Scope);

        Assert.That(beforeExpiry, Is.EqualTo(1));
        Assert.That(issued(), Is.EqualTo(2));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Bearer_ShortOrMissingLifetime_CountsAsSixtySeconds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Hosts.Add("registry.test", BearerRegistry(out var issued, expiresIn: 3));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice), time));

        (await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/manifests/a", Registry, Scope)).Dispose();
        time.Advance(TimeSpan.FromSeconds(30));
        (await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/manifests/a", Registry, Scope)).Dispose();
        var within = issued();
        time.Advance(TimeSpan.FromSeconds(30));
        (await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/manifests/a", Registry, Scope)).Dispose();

        Assert.That(within, Is.EqualTo(1));
        Assert.That(issued(), Is.EqualTo(2));
    }

    [Test]
    public async Task Bearer_TokenRevokedBeforeItExpires_IsReplacedOnInvalidToken()
    {
        var issued = 0;
        var revoked = false;
        var registry = Hosts.Add("registry.test", r => r.Path switch
        {
            "/token" => Respond.Ok($$"""{"token":"token-{{Interlocked.Increment(ref issued)}}","expires_in":300}"""),
            _ when r.Authorization == "Bearer token-1" && Volatile.Read(ref revoked) => Respond.Unauthorized($"{Challenge},scope=\"{Scope}\",error=\"invalid_token\""),
            _ when r.Authorization is "Bearer token-1" or "Bearer token-2" => Respond.Ok(),
            _ => Respond.Unauthorized($"{Challenge},scope=\"{Scope}\""),
        });
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));
        (await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/manifests/a", Registry, Scope)).Dispose();
        Volatile.Write(ref revoked, true);

        using var response = await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/manifests/a", Registry, Scope);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(issued, Is.EqualTo(2));
        Assert.That(registry.Requests.Where(r => r.Path != "/token").Select(r => r.Authorization),
            Is.EqualTo(new[] { null, "Bearer token-1", "Bearer token-1", "Bearer token-2" }));
    }

    [Test]
    public async Task Bearer_ConcurrentRequests_ShareOneTokenFetch()
    {
        Hosts.Add("registry.test", BearerRegistry(out var issued));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));
        (await FakeHosts.SendAsync(client, $"{Base}/v2/", Registry)).Dispose();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => FakeHosts.SendAsync(client, $"{Base}/v2/team/app/blobs/{i}", Registry, Scope)));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(issued(), Is.EqualTo(2), "one token for /v2/, one for the eight requests of one scope");
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Test]
    public async Task Bearer_InsufficientScope_AsksForTheChallengesScopeToo()
    {
        const string mount = "repository:team/base:pull";
        var registry = Hosts.Add("registry.test", r => r.Path switch
        {
            "/token" => Respond.Ok($$"""{"token":"{{string.Join('+', r.QueryValues("scope"))}}"}"""),
            _ when r.Authorization == $"Bearer repository:team/app:pull,push+{mount}" => Respond.Ok(),
            _ => Respond.Unauthorized($"{Challenge},scope=\"repository:team/app:pull,push {mount}\",error=\"insufficient_scope\""),
        });
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));

        using var response = await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/blobs/uploads/?mount=x&from=team/base", Registry, "repository:team/app:pull,push", HttpMethod.Post);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(registry.Requests.Single(r => r.Path == "/token").QueryValues("scope"), Is.EqualTo(new[] { "repository:team/app:pull,push", mount }));
    }

    [Test]
    public void Bearer_RefusedAgainWithAFreshToken_FailsSayingTheAccessIsNotGranted()
    {
        Hosts.Add("registry.test", r => r.Path == "/token"
            ? Respond.Ok("""{"token":"weak"}""")
            : Respond.Unauthorized($"{Challenge},scope=\"repository:team/app:pull,push\",error=\"insufficient_scope\""));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));

        var e = Assert.ThrowsAsync<RegistryException>(() => FakeHosts.SendAsync(client, $"{Base}/v2/team/app/blobs/uploads/", Registry, "repository:team/app:pull,push", HttpMethod.Post));

        Assert.That(e!.Message, Does.Contain("refused the token issued to \"alice\" for repository:team/app:pull,push"));
    }

    [Test]
    public void Bearer_TokenServerRefusingTheCredentials_FailsNamingRealmAndUser()
    {
        Hosts.Add("registry.test", r => r.Path == "/token"
            ? Respond.Unauthorized("Basic realm=\"token\"", """{"errors":[{"code":"UNAUTHORIZED","message":"bad password"}]}""")
            : Respond.Unauthorized($"{Challenge},scope=\"{Scope}\""));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));

        var e = Assert.ThrowsAsync<RegistryException>(() => FakeHosts.SendAsync(client, $"{Base}/v2/team/app/manifests/a", Registry, Scope));

        Assert.That(e!.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(e.Message, Does.Contain("token server http://registry.test:5000/token").And.Contain("refused the credentials of \"alice\""));
        Assert.That(e.HasCode("UNAUTHORIZED"));
    }

    [TestCase("""{"token":""}""", "no token")]
    [TestCase("not json", "not JSON")]
    [TestCase("""{"token":"a\r\nX-Injected: 1"}""", "not a valid header value")]
    public void Bearer_UnusableTokenAnswer_FailsClearly(string body, string expected)
    {
        Hosts.Add("registry.test", r => r.Path == "/token" ? Respond.Ok(body) : Respond.Unauthorized(Challenge));
        using var client = Hosts.Client(new RegistryAuthHandler(StaticCredentialProvider.Anonymous));

        var e = Assert.ThrowsAsync<RegistryException>(() => FakeHosts.SendAsync(client, $"{Base}/v2/", Registry));

        Assert.That(e!.Message, Does.Contain(expected));
    }

    [Test]
    public void Bearer_OversizedTokenAnswer_IsRefusedUnread()
    {
        Hosts.Add("registry.test", r => r.Path == "/token"
            ? new FakeResponse(200, new byte[TokenClient.MaxResponseBytes + 1])
            : Respond.Unauthorized(Challenge));
        using var client = Hosts.Client(new RegistryAuthHandler(StaticCredentialProvider.Anonymous));

        var e = Assert.ThrowsAsync<RegistryException>(() => FakeHosts.SendAsync(client, $"{Base}/v2/", Registry));

        Assert.That(e!.Message, Does.Contain($"an answer of {TokenClient.MaxResponseBytes + 1} bytes"));
    }

    [Test]
    public void HostileChallenge_Oversized_FailsClearly()
    {
        Hosts.Add("registry.test", _ => Respond.Unauthorized("Bearer realm=\"" + new string('a', WwwAuthenticate.MaxLength) + "\""));
        using var client = Hosts.Client(new RegistryAuthHandler(StaticCredentialProvider.Anonymous));

        var e = Assert.ThrowsAsync<RegistryException>(() => FakeHosts.SendAsync(client, $"{Base}/v2/", Registry));

        Assert.That(e!.Message, Does.Contain("unusable challenge"));
    }

    [Test]
    public async Task IdentityToken_IsExchangedWithAnOAuth2RefreshTokenPost()
    {
        var registry = Hosts.Add("registry.test", r => r.Path switch
        {
            "/token" when r.Method == "POST" => Respond.Ok("""{"access_token":"from-refresh","expires_in":120}"""),
            "/token" => Respond.Status(405),
            _ when r.Authorization == "Bearer from-refresh" => Respond.Ok(),
            _ => Respond.Unauthorized($"{Challenge},scope=\"{Scope}\""),
        });
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, RegistryCredential.FromIdentityToken("refresh-me"))));

        using var response = await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/manifests/a", Registry, Scope);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var form = registry.Requests.Single(r => r.Path == "/token").Form();
        Assert.That(form["grant_type"], Is.EqualTo("refresh_token"));
        Assert.That(form["refresh_token"], Is.EqualTo("refresh-me"));
        Assert.That(form["service"], Is.EqualTo("registry.test"));
        Assert.That(form["scope"], Is.EqualTo(Scope));
    }

    [Test]
    public async Task TokenServerWithoutGet_IsAskedWithAnOAuth2PasswordPost()
    {
        var registry = Hosts.Add("registry.test", r => r.Path switch
        {
            "/token" when r.Method == "POST" && r.Form()["password"] == "s3cret" => Respond.Ok("""{"access_token":"from-password"}"""),
            "/token" => Respond.Status(404),
            _ when r.Authorization == "Bearer from-password" => Respond.Ok(),
            _ => Respond.Unauthorized(Challenge),
        });
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));

        using var response = await FakeHosts.SendAsync(client, $"{Base}/v2/", Registry);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(registry.Requests.Where(r => r.Path == "/token").Select(r => r.Method), Is.EqualTo(new[] { "GET", "POST" }));
        Assert.That(registry.Requests.Last(r => r.Path == "/token").Form()["grant_type"], Is.EqualTo("password"));
    }

    [Test]
    public async Task StreamedBody_AfterTheChallengeIsKnown_IsAuthenticatedBeforeItIsSent()
    {
        var registry = Hosts.Add("registry.test", BearerRegistry(out _));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));
        (await FakeHosts.SendAsync(client, $"{Base}/v2/", Registry)).Dispose();

        using var response = await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/blobs/uploads/1", Registry, "repository:team/app:pull,push", HttpMethod.Put,
            () => new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("layer bytes"))));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var put = registry.Requests.Single(r => r.Method == "PUT");
        Assert.That(put.Authorization, Does.StartWith("Bearer "));
        Assert.That(Encoding.UTF8.GetString(put.Body), Is.EqualTo("layer bytes"));
    }

    [Test]
    public void StreamedBody_MeetingAChallengeFirst_FailsSayingToRetry()
    {
        Hosts.Add("registry.test", BearerRegistry(out _));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));

        var e = Assert.ThrowsAsync<RegistryException>(() => FakeHosts.SendAsync(client, $"{Base}/v2/team/app/blobs/uploads/1", Registry, Scope, HttpMethod.Put,
            () => new StreamContent(new MemoryStream([1, 2, 3]))));

        Assert.That(e!.Message, Does.Contain("cannot be sent again").And.Contain("retry"));
    }

    [Test]
    public async Task BufferedBody_IsSentAgainWithTheCredentials()
    {
        var registry = Hosts.Add("registry.test", BearerRegistry(out _));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));

        using var response = await FakeHosts.SendAsync(client, $"{Base}/v2/team/app/manifests/v1", Registry, Scope, HttpMethod.Put,
            () => new ByteArrayContent(Encoding.UTF8.GetBytes("{\"schemaVersion\":2}")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var puts = registry.Requests.Where(r => r.Method == "PUT").ToArray();
        Assert.That(puts.Select(p => Encoding.UTF8.GetString(p.Body)), Is.All.EqualTo("{\"schemaVersion\":2}"));
        Assert.That(puts.Select(p => p.Authorization is not null), Is.EqualTo(new[] { false, true }));
    }

    [Test]
    public async Task RequestWithoutTheRegistryOption_PassesThroughUntouched()
    {
        var other = Hosts.Add("registry.test", _ => Respond.Unauthorized("Basic realm=\"x\""));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Base}/v2/");

        using var response = await client.SendAsync(request, CancellationToken.None);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(other.Requests.Single().Authorization, Is.Null);
    }

    /// <summary>A registry with its token server on its own host: tokens token-1, token-2... each good for any scope.</summary>
    private static Func<FakeRequest, FakeResponse> BearerRegistry(out Func<int> issued, int expiresIn = 300)
    {
        var count = 0;
        var valid = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        issued = () => Volatile.Read(ref count);
        return r =>
        {
            if (r.Path == "/token")
            {
                var token = $"token-{Interlocked.Increment(ref count)}";
                valid[token] = true;
                return Respond.Ok($$"""{"token":"{{token}}","expires_in":{{expiresIn}}}""");
            }

            return r.Authorization is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal) && valid.ContainsKey(header[7..])
                ? Respond.Ok()
                : Respond.Unauthorized($"{Challenge},scope=\"{Scope}\"");
        };
    }
}
