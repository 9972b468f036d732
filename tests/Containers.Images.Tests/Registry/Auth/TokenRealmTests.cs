using Containers.Images.Registry;
using Containers.Images.Registry.Auth;

namespace Containers.Images.Tests.Registry.Auth;

public sealed class TokenRealmTests
{
    private static readonly RegistryAuthority Registry = RegistryAuthority.Parse("registry.example");
    private static readonly Uri OverHttps = new("https://registry.example/v2/");
    private static readonly Uri OverHttp = new("http://registry.example/v2/");

    [TestCase("https://auth.example/token")]
    [TestCase("https://registry.example/token")]
    [TestCase("http://127.0.0.1:8080/token")]
    [TestCase("http://localhost/token")]
    [TestCase("http://[::1]:9000/token")]
    public void Resolve_AcceptsHttpsAndLoopback(string realm) =>
        Assert.That(TokenRealm.Resolve(realm, Registry, OverHttps, []), Is.EqualTo(new Uri(realm)));

    [Test]
    public void Resolve_PlainHttpOnTheRegistrysHost_OnlyWhenTheRegistryIsPlainHttpToo()
    {
        Assert.That(TokenRealm.Resolve("http://registry.example/token", Registry, OverHttp, []).Host, Is.EqualTo("registry.example"));
        var e = Assert.Throws<RegistryException>(() => TokenRealm.Resolve("http://registry.example/token", Registry, OverHttps, []));
        Assert.That(e!.Message, Does.Contain("plain HTTP while the registry is reached over HTTPS"));
    }

    [TestCase("http://auth.example/token", new string[0], false)]
    [TestCase("http://auth.example/token", new[] { "auth.example" }, true)]
    [TestCase("http://auth.example:8080/token", new[] { "auth.example:8080" }, true)]
    [TestCase("http://auth.example:8080/token", new[] { "auth.example:9090" }, false)]
    [TestCase("http://auth.example/token", new[] { "registry.example" }, false)]
    public void Resolve_PlainHttpOnAnotherHost_OnlyWhenThatHostIsMarkedInsecure(string realm, string[] insecure, bool allowed)
    {
        if (allowed)
        {
            Assert.That(TokenRealm.Resolve(realm, Registry, OverHttp, insecure), Is.EqualTo(new Uri(realm)));
        }
        else
        {
            var e = Assert.Throws<RegistryException>(() => TokenRealm.Resolve(realm, Registry, OverHttp, insecure));
            Assert.That(e!.Message, Does.Contain("plain HTTP on another host"));
        }
    }

    [TestCase(null, "names no realm")]
    [TestCase("", "names no realm")]
    [TestCase("/token", "not an http(s) URL")]
    [TestCase("file:///etc/passwd", "not an http(s) URL")]
    [TestCase("https://user:pw@auth.example/token", "carries a user name")]
    public void Resolve_RefusesWhatIsNoRealm(string? realm, string expected)
    {
        var e = Assert.Throws<RegistryException>(() => TokenRealm.Resolve(realm, Registry, OverHttps, []));
        Assert.That(e!.Message, Does.Contain(expected).And.Contain("registry registry.example"));
    }
}
