using Containers.Images.Registry.Auth;

namespace Containers.Images.Tests.Registry.Auth;

public sealed class WwwAuthenticateTests
{
    [Test]
    public void Parse_BearerChallenge_TheTokenSpecsParameters()
    {
        var challenge = WwwAuthenticate.Parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:samalba/my-app:pull,push\"").Single();

        Assert.That(challenge.IsBearer);
        Assert.That(challenge.Realm, Is.EqualTo("https://auth.docker.io/token"));
        Assert.That(challenge.Service, Is.EqualTo("registry.docker.io"));
        Assert.That(challenge.Scope, Is.EqualTo("repository:samalba/my-app:pull,push"));
        Assert.That(challenge.Error, Is.Null);
    }

    [Test]
    public void Parse_SchemesAndNamesAreCaseInsensitive_TokensNeedNoQuotes()
    {
        var challenge = WwwAuthenticate.Parse("bearer REALM=https://auth.example/token , Service = reg ,error=invalid_token").Single();

        Assert.That(challenge.IsBearer);
        Assert.That(challenge.Realm, Is.EqualTo("https://auth.example/token"));
        Assert.That(challenge.Service, Is.EqualTo("reg"));
        Assert.That(challenge.Error, Is.EqualTo("invalid_token"));
    }

    [Test]
    public void Parse_SeveralChallengesInOneHeader_AndSeveralHeaders()
    {
        var challenges = WwwAuthenticate.Parse([
            "Basic realm=\"a, b\", Bearer realm=\"https://auth/token\",service=\"s\"",
            "Negotiate abc+/def==, Digest realm=\"d\", nonce=\"n\"",
        ]);

        Assert.That(challenges.Select(c => c.Scheme), Is.EqualTo(new[] { "Basic", "Bearer", "Negotiate", "Digest" }));
        Assert.That(challenges[0].Realm, Is.EqualTo("a, b"));
        Assert.That(challenges[1].Service, Is.EqualTo("s"));
        Assert.That(challenges[2].Parameters, Is.Empty);
        Assert.That(challenges[3].Parameters["nonce"], Is.EqualTo("n"));
    }

    [Test]
    public void Parse_QuotedStrings_UnescapeBackslashes()
    {
        var challenge = WwwAuthenticate.Parse("""Bearer realm="https://a/t?x=\"1\"",scope="x\\y" """).Single();

        Assert.That(challenge.Realm, Is.EqualTo("https://a/t?x=\"1\""));
        Assert.That(challenge.Scope, Is.EqualTo("x\\y"));
    }

    [Test]
    public void Parse_FirstOfARepeatedParameterWins()
    {
        var challenge = WwwAuthenticate.Parse("Bearer realm=\"https://good/token\", realm=\"https://evil/token\"").Single();

        Assert.That(challenge.Realm, Is.EqualTo("https://good/token"));
    }

    [TestCase("")]
    [TestCase(",,, ,")]
    [TestCase("Bearer realm=\"unterminated")]
    [TestCase("Bearer realm=, service=\"s\"")]
    [TestCase("\"quoted\" realm=x")]
    [TestCase("Bearer ===")]
    public void Parse_Malformed_DoesNotThrow(string header) =>
        Assert.That(() => WwwAuthenticate.Parse(header), Throws.Nothing);

    [Test]
    public void Parse_EmptyParameterIsSkipped_TheRestKept()
    {
        var challenge = WwwAuthenticate.Parse("Bearer realm=, service=\"s\"").Single();

        Assert.That(challenge.Realm, Is.Null);
        Assert.That(challenge.Service, Is.EqualTo("s"));
    }

    [Test]
    public void Parse_Unterminated_KeepsWhatCameBefore()
    {
        var challenge = WwwAuthenticate.Parse("Bearer service=\"s\", realm=\"https://a").Single();

        Assert.That(challenge.Service, Is.EqualTo("s"));
        Assert.That(challenge.Realm, Is.Null);
    }

    [Test]
    public void Parse_OversizedHeader_IsRefused()
    {
        var header = "Bearer realm=\"" + new string('x', WwwAuthenticate.MaxLength) + "\"";

        Assert.Throws<FormatException>(() => WwwAuthenticate.Parse(header));
        Assert.Throws<FormatException>(() => WwwAuthenticate.Parse(Enumerable.Repeat(new string('y', 1024), 17)));
    }

    [Test]
    public void Parse_ManyChallengesAndParameters_AreCapped()
    {
        var challenges = WwwAuthenticate.Parse(string.Join(", ", Enumerable.Range(0, 100).Select(i => $"S{i} a=1")));
        var parameters = WwwAuthenticate.Parse("Bearer " + string.Join(",", Enumerable.Range(0, 100).Select(i => $"p{i}=v"))).Single();

        Assert.That(challenges, Has.Count.EqualTo(WwwAuthenticate.MaxChallenges));
        Assert.That(parameters.Parameters, Has.Count.EqualTo(WwwAuthenticate.MaxParameters));
    }
}
