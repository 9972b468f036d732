using Containers.Images.Registry.Auth;

namespace Containers.Images.Tests.Registry.Auth;

public sealed class RegistryAuthorityTests
{
    [TestCase("registry.example", "https://registry.example/v2/", true)]
    [TestCase("registry.example", "https://REGISTRY.example/v2/", true)]
    [TestCase("registry.example", "https://registry.example:5000/v2/", false)]
    [TestCase("registry.example:443", "https://registry.example/v2/", true)]
    [TestCase("registry.example:5000", "http://registry.example:5000/v2/", true)]
    [TestCase("registry.example:5000", "http://registry.example:5001/v2/", false)]
    [TestCase("registry.example", "https://registry.example.evil/v2/", false)]
    [TestCase("127.0.0.1:5000", "http://127.0.0.1:5000/v2/", true)]
    [TestCase("[::1]:5000", "http://[::1]:5000/v2/", true)]
    public void Matches_SameHostAndPort(string registry, string uri, bool expected) =>
        Assert.That(RegistryAuthority.Parse(registry).Matches(new Uri(uri)), Is.EqualTo(expected));

    [TestCase("https://registry.example")]
    [TestCase("user@registry.example")]
    [TestCase("registry.example/v2")]
    [TestCase("")]
    public void TryParse_RefusesWhatIsNotAHost(string text) =>
        Assert.That(RegistryAuthority.TryParse(text, out _), Is.False);

    [TestCase("localhost:5000", true)]
    [TestCase("127.0.0.5", true)]
    [TestCase("[::1]", true)]
    [TestCase("10.0.0.1", false)]
    [TestCase("localhost.example", false)]
    public void IsLoopback(string text, bool expected) =>
        Assert.That(RegistryAuthority.Parse(text).IsLoopback, Is.EqualTo(expected));
}
