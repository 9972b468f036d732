using Containers.Images.Registry.Auth;

namespace Containers.Images.Tests.Registry.Auth;

public sealed class TokenScopesTests
{
    [Test]
    public void Parse_MergesActionsPerResource_InOneOrder()
    {
        var scopes = TokenScopes.Parse("repository:b:push repository:a:pull repository:b:pull,push");

        Assert.That(scopes.Values, Is.EqualTo(new[] { "repository:a:pull", "repository:b:pull,push" }));
        Assert.That(scopes.Key, Is.EqualTo(TokenScopes.Parse("repository:b:pull,push repository:a:pull").Key));
    }

    [Test]
    public void With_AddsTheChallengesScopes()
    {
        var scopes = TokenScopes.Parse("repository:app:pull").With("repository:app:push registry:catalog:*");

        Assert.That(scopes.Values, Is.EqualTo(new[] { "registry:catalog:*", "repository:app:pull,push" }));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void Parse_NothingIsEmpty(string? text) => Assert.That(TokenScopes.Parse(text).IsEmpty);

    [Test]
    public void Parse_KeepsAScopeWithoutActionsAsItIs() =>
        Assert.That(TokenScopes.Parse("opaque").Values, Is.EqualTo(new[] { "opaque" }));
}
