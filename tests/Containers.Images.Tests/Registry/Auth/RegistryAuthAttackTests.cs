using System.Net;
using System.Text;
using Containers.Images.Registry;
using Containers.Images.Registry.Auth;

namespace Containers.Images.Tests.Registry.Auth;

/// <summary>
/// Hostile servers against the auth handler: a registry that redirects to a host which asks for
/// credentials, a token realm on another host, and the Authorization header after a redirect.
/// </summary>
public sealed class RegistryAuthAttackTests : FakeHostsTest
{
    private const string Blob = "/v2/team/app/blobs/sha256:0123";

    [Test]
    public async Task RedirectToBlobStorage_TheTokenStaysWithTheRegistry()
    {
        var registry = Hosts.Add("registry.test", TokenRegistry("http://registry.test:5000/token", redirectTo: "http://blobs.test:5000/data?signature=abc"));
        var blobs = Hosts.Add("blobs.test", _ => Respond.Ok("layer", "application/octet-stream"));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));

        using var response = await FakeHosts.SendAsync(client, Base + Blob, Registry, Scope);

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("layer"));
        Assert.That(registry.Requests.Last(r => r.Path == Blob).Authorization, Is.EqualTo("Bearer the-token"));
        Assert.That(blobs.Requests.Single().Authorization, Is.Null);
    }

    [Test]
    public async Task RedirectToBlobStorage_BasicCredentialsStayWithTheRegistry()
    {
        var registry = Hosts.Add("registry.test", r => r.Authorization == AliceBasic
            ? Respond.Redirect("http://blobs.test:5000/data")
            : Respond.Unauthorized("Basic realm=\"registry\""));
        var blobs = Hosts.Add("blobs.test", _ => Respond.Ok("layer"));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));

        using var response = await FakeHosts.SendAsync(client, Base + Blob, Registry, Scope);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(registry.Requests.Last().Authorization, Is.EqualTo(AliceBasic));
        Assert.That(blobs.Requests.Single().Authorization, Is.Null);
    }

    [Test]
    public async Task AuthorizationSetOnAHopToAnotherHost_IsRemoved()
    {
        var blobs = Hosts.Add("blobs.test", _ => Respond.Ok());
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://blobs.test:5000/data");
        request.Options.Set(RegistryRequestOptions.Registry, Registry);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "copied-by-mistake");

        using var response = await client.SendAsync(request, CancellationToken.None);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(blobs.Requests.Single().Authorization, Is.Null);
    }

    [TestCase("Basic realm=\"blob storage\"")]
    [TestCase("Bearer realm=\"http://blobs.test:5000/token\",service=\"blobs\"")]
    public async Task RedirectToAHostThatAsksForCredentials_FailsNamingBothHosts_AndSendsItNothing(string challenge)
    {
        var registry = Hosts.Add("registry.test", TokenRegistry("http://registry.test:5000/token", redirectTo: "http://blobs.test:5000/data"));
        var blobs = Hosts.Add("blobs.test", _ => Respond.Unauthorized(challenge));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider([
            KeyValuePair.Create(Registry, Alice),
            KeyValuePair.Create("blobs.test:5000", RegistryCredential.FromPassword("alice", "blob-password")),
        ])));

        var e = Assert.ThrowsAsync<RegistryException>(() => FakeHosts.SendAsync(client, Base + Blob, Registry, Scope));

        Assert.That(e!.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(e.Message, Does.Contain("blobs.test:5000").And.Contain("registry registry.test:5000").And.Contain("never sent to another host"));
        Assert.That(blobs.Requests.Select(r => r.Authorization), Is.EqualTo(new string?[] { null }), "one request, without credentials, not retried with any");
        Assert.That(registry.Requests.Count(r => r.Path == "/token"), Is.EqualTo(1));
    }

    [Test]
    public async Task TokenRealmOnAnotherHost_OverPlainHttp_IsRefusedBeforeAnythingIsSentThere()
    {
        Hosts.Add("registry.test", TokenRegistry("http://auth.test:5000/token"));
        var auth = Hosts.Add("auth.test", _ => Respond.Ok("""{"token":"the-token"}"""));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));

        var e = Assert.ThrowsAsync<RegistryException>(() => FakeHosts.SendAsync(client, Base + Blob, Registry, Scope));

        Assert.That(e!.Message, Does.Contain("http://auth.test:5000/token is plain HTTP on another host").And.Contain("mark auth.test:5000 insecure"));
        Assert.That(auth.Requests, Is.Empty, "the registry's credentials never went to the realm");
    }

    [Test]
    public async Task TokenRealmOnAnotherHostMarkedInsecure_GetsTheRegistrysCredentials_NeverItsOwn_AndNeverTheToken()
    {
        var registry = Hosts.Add("registry.test", TokenRegistry("http://auth.test:5000/token", redirectTo: "http://auth.test:5000/blob"));
        var auth = Hosts.Add("auth.test", r => r.Path == "/token" ? Respond.Ok("""{"token":"the-token"}""") : Respond.Ok("layer"));
        var credentials = new StaticCredentialProvider([
            KeyValuePair.Create(Registry, Alice),
            KeyValuePair.Create("auth.test:5000", RegistryCredential.FromPassword("eve", "auth-host-password")),
        ]);
        using var client = Hosts.Client(new RegistryAuthHandler(credentials) { InsecureHosts = ["auth.test"] });

        using var response = await FakeHosts.SendAsync(client, Base + Blob, Registry, Scope);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(auth.Requests.Single(r => r.Path == "/token").Authorization, Is.EqualTo(AliceBasic), "the realm is sent the registry's credentials");
        Assert.That(auth.Requests.Single(r => r.Path == "/blob").Authorization, Is.Null, "the token goes to the registry only, even when the realm's host serves the redirect");
        Assert.That(registry.Requests.Last().Authorization, Is.EqualTo("Bearer the-token"));
    }

    [Test]
    public async Task TokenRealmOnLoopback_IsAllowedOverPlainHttp()
    {
        Hosts.Add("registry.test", TokenRegistry("http://127.0.0.1:5000/token"));
        var auth = Hosts.Add("127.0.0.1", _ => Respond.Ok("""{"token":"the-token"}"""));
        using var client = Hosts.Client(new RegistryAuthHandler(new StaticCredentialProvider(Registry, Alice)));

        using var response = await FakeHosts.SendAsync(client, Base + Blob, Registry, Scope);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(auth.Requests.Single().Authorization, Is.EqualTo(AliceBasic));
    }

    /// <summary>A registry whose token server at <paramref name="realm"/> issues <c>the-token</c>; with it, blob GETs redirect to <paramref name="redirectTo"/>.</summary>
    private static Func<FakeRequest, FakeResponse> TokenRegistry(string realm, string? redirectTo = null) => r => r.Path switch
    {
        "/token" => Respond.Ok("""{"token":"the-token"}"""),
        _ when r.Authorization == "Bearer the-token" => redirectTo is null ? Respond.Ok() : Respond.Redirect(redirectTo),
        _ => Respond.Unauthorized($"Bearer realm=\"{realm}\",service=\"registry.test\",scope=\"{Scope}\""),
    };
}
