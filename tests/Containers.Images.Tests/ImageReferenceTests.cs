using Containers.Errors;

namespace Containers.Images.Tests;

public sealed class ImageReferenceTests
{
    // sha256 of the empty string.
    private const string Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string Sha = "sha256:" + Hex;

    [TestCase("nginx", "docker.io/library/nginx:latest")]
    [TestCase("nginx:1.25", "docker.io/library/nginx:1.25")]
    [TestCase("user/app", "docker.io/user/app:latest")]
    [TestCase("library/nginx", "docker.io/library/nginx:latest")]
    [TestCase("docker.io/nginx", "docker.io/library/nginx:latest")]
    [TestCase("docker.io/library/nginx:latest", "docker.io/library/nginx:latest")]
    [TestCase("index.docker.io/nginx", "docker.io/library/nginx:latest")]
    [TestCase("index.docker.io/user/app:v1", "docker.io/user/app:v1")]
    [TestCase("docker.io/library/a/b", "docker.io/library/a/b:latest")]
    [TestCase("localhost/app", "localhost/app:latest")]
    [TestCase("localhost:5000/a/b@" + Sha, "localhost:5000/a/b@" + Sha)]
    [TestCase("ghcr.io/org/team/app:2.0", "ghcr.io/org/team/app:2.0")]
    [TestCase("registry.example.com:443/a", "registry.example.com:443/a:latest")]
    [TestCase("127.0.0.1:5000/app", "127.0.0.1:5000/app:latest")]
    [TestCase("myhost:5000/app", "myhost:5000/app:latest")]
    [TestCase("[::1]/app", "[::1]/app:latest")]
    [TestCase("[2001:db8::1]:5000/app:v1", "[2001:db8::1]:5000/app:v1")]
    [TestCase("Registry/app", "Registry/app:latest")]
    [TestCase("nginx@" + Sha, "docker.io/library/nginx@" + Sha)]
    [TestCase("nginx:1.25@" + Sha, "docker.io/library/nginx:1.25@" + Sha)]
    [TestCase("a__b/c--d/e.f_g:Tag_1.0-rc", "docker.io/a__b/c--d/e.f_g:Tag_1.0-rc")]
    [TestCase("localhost", "docker.io/library/localhost:latest")]
    [TestCase("localhost:5000", "docker.io/library/localhost:5000")]
    [TestCase("example.com", "docker.io/library/example.com:latest")]
    public void Parse_ValidReference_NormalizesLikeDocker(string input, string expected)
    {
        Assert.That(ImageReference.Parse(input).ToString(), Is.EqualTo(expected));
    }

    [TestCase("nginx", "docker.io", "library/nginx", "latest", null)]
    [TestCase("user/app:v1", "docker.io", "user/app", "v1", null)]
    [TestCase("localhost:5000/a/b@" + Sha, "localhost:5000", "a/b", null, Sha)]
    [TestCase("[::1]:5000/a:v2@" + Sha, "[::1]:5000", "a", "v2", Sha)]
    public void Parse_ValidReference_SplitsIntoParts(
        string input, string registry, string repository, string? tag, string? digest)
    {
        var reference = ImageReference.Parse(input);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reference.Registry, Is.EqualTo(registry));
            Assert.That(reference.Repository, Is.EqualTo(repository));
            Assert.That(reference.Name, Is.EqualTo(registry + "/" + repository));
            Assert.That(reference.Tag, Is.EqualTo(tag));
            Assert.That(reference.Digest?.ToString(), Is.EqualTo(digest));
        }
    }

    [TestCase("nginx", "nginx:latest")]
    [TestCase("docker.io/library/nginx:1.25", "nginx:1.25")]
    [TestCase("index.docker.io/library/nginx", "nginx:latest")]
    [TestCase("docker.io/user/app:v1", "user/app:v1")]
    [TestCase("library/a/b", "library/a/b:latest")]
    [TestCase("ghcr.io/library/x:1", "ghcr.io/library/x:1")]
    [TestCase("localhost:5000/a/b@" + Sha, "localhost:5000/a/b@" + Sha)]
    [TestCase("nginx:1@" + Sha, "nginx:1@" + Sha)]
    [TestCase("Registry/app", "Registry/app:latest")]
    public void ToFamiliarString_NormalizedReference_DropsDockerHubAndLibrary(string input, string expected)
    {
        Assert.That(ImageReference.Parse(input).ToFamiliarString(), Is.EqualTo(expected));
    }

    [TestCase("nginx")]
    [TestCase("user/app:v1")]
    [TestCase("library/a/b")]
    [TestCase("localhost/app")]
    [TestCase("localhost:5000/a/b@" + Sha)]
    [TestCase("nginx:1.25@" + Sha)]
    [TestCase("[2001:db8::1]:5000/app:v1")]
    [TestCase("Registry/app")]
    [TestCase("ghcr.io/library/x")]
    public void Parse_OwnOutput_RoundTripsToEqualValue(string input)
    {
        var reference = ImageReference.Parse(input);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ImageReference.Parse(reference.ToString()), Is.EqualTo(reference));
            Assert.That(ImageReference.Parse(reference.ToFamiliarString()), Is.EqualTo(reference));
        }
    }

    [TestCase("nginx", true)]
    [TestCase("docker.io/user/app", true)]
    [TestCase("index.docker.io/user/app", true)]
    [TestCase("ghcr.io/user/app", false)]
    [TestCase("localhost/app", false)]
    public void IsDockerHub_Reference_TellsWhetherRegistryIsDockerIo(string input, bool expected)
    {
        Assert.That(ImageReference.Parse(input).IsDockerHub, Is.EqualTo(expected));
    }

    [Test]
    public void Parse_FamiliarAndFullSpelling_GiveEqualValuesAndHashCodes()
    {
        var familiar = ImageReference.Parse("nginx");
        var full = ImageReference.Parse("docker.io/library/nginx:latest");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(familiar, Is.EqualTo(full));
            Assert.That(familiar.GetHashCode(), Is.EqualTo(full.GetHashCode()));
            Assert.That(familiar, Is.Not.EqualTo(ImageReference.Parse("nginx:1.25")));
        }
    }

    [Test]
    public void Parse_TagOf128Characters_IsAccepted()
    {
        var tag = "t" + new string('a', 127);

        Assert.That(ImageReference.Parse("nginx:" + tag).Tag, Is.EqualTo(tag));
    }

    [Test]
    public void Parse_NameOf255CharactersOnceNormalized_IsAccepted()
    {
        // docker.io/library/ is 18 characters.
        var path = new string('a', 255 - 18);

        Assert.That(ImageReference.Parse(path).Name, Has.Length.EqualTo(255));
    }

    [Test]
    public void Parse_UpperCaseInPath_ThrowsNamingCharacterAndPosition()
    {
        var error = Assert.Throws<InvalidArgumentException>(() => ImageReference.Parse("Nginx/App"));

        Assert.That(error.Message, Is.EqualTo(
            "reference \"Nginx/App\": 'A' at position 6 is not allowed: repository names must be lowercase"));
    }

    [TestCase("", "an image reference must not be empty")]
    [TestCase(Hex, "64 hex characters are an image ID, not a repository name")]
    [TestCase("NGINX", "'N' at position 0 is not allowed: repository names must be lowercase")]
    [TestCase("user/App", "'A' at position 5 is not allowed: repository names must be lowercase")]
    [TestCase("registry.example.com/Team/app", "'T' at position 21 is not allowed: repository names must be lowercase")]
    [TestCase("nginx!", "'!' at position 5 is not allowed in a repository name")]
    [TestCase("my app", "U+0020 at position 2 is not allowed in a repository name")]
    [TestCase("ngïnx", "'ï' at position 2 is not allowed in a repository name")]
    [TestCase("-nginx", "'-' at position 0 is not allowed: a path component must start with a lowercase letter or digit")]
    [TestCase("a/.b", "'.' at position 2 is not allowed: a path component must start with a lowercase letter or digit")]
    [TestCase("nginx-", "'-' at position 5 is not allowed: a path component must end with a lowercase letter or digit")]
    [TestCase("nginx_/app", "'_' at position 5 is not allowed: a path component must end with a lowercase letter or digit")]
    [TestCase("nginx.:1", "'.' at position 5 is not allowed: a path component must end with a lowercase letter or digit")]
    [TestCase("a..b", "'.' at position 2 is not allowed: join letters and digits with one separator")]
    [TestCase("a___b", "'_' at position 3 is not allowed: join letters and digits with one separator")]
    [TestCase("a._b", "'_' at position 2 is not allowed: join letters and digits with one separator")]
    [TestCase("a-.b", "'.' at position 2 is not allowed: join letters and digits with one separator")]
    [TestCase("a//b", "'/' at position 2 is not allowed: a path component must not be empty")]
    [TestCase("/a", "'/' at position 0 is not allowed: a path component must not be empty")]
    [TestCase("a/", "'/' at position 1 is not allowed: the repository path must not end with '/'")]
    [TestCase("example.com/", "the repository path is missing at position 12")]
    [TestCase(":latest", "the repository path is missing at position 0")]
    [TestCase("nginx:", "':' at position 5 must be followed by a tag")]
    [TestCase("nginx:@" + Sha, "':' at position 5 must be followed by a tag")]
    [TestCase("nginx:.v1", "'.' at position 6 is not allowed: a tag must start with a letter, digit or '_'")]
    [TestCase("nginx:-v1", "'-' at position 6 is not allowed: a tag must start with a letter, digit or '_'")]
    [TestCase("nginx:v1!", "'!' at position 8 is not allowed in a tag")]
    [TestCase("nginx:a:b", "':' at position 7 is not allowed in a tag")]
    [TestCase("nginx@", "'@' at position 5 must be followed by a digest")]
    [TestCase("localhost:abc/app", "'a' at position 10 is not allowed: a registry port must be digits only")]
    [TestCase("localhost:50x0/app", "'x' at position 12 is not allowed: a registry port must be digits only")]
    [TestCase("localhost:/app", "':' at position 9 must be followed by a port number")]
    [TestCase(":5000/app", "':' at position 0 is not allowed: the registry host is missing before the port")]
    [TestCase("ex_ample.com/app", "'_' at position 2 is not allowed in a registry host")]
    [TestCase("-example.com/app", "'-' at position 0 is not allowed: each dot-separated part of a registry host")]
    [TestCase("example-.com/app", "'-' at position 7 is not allowed: each dot-separated part of a registry host")]
    [TestCase("example..com/app", "'.' at position 8 is not allowed: a registry host must not have an empty part")]
    [TestCase("example.com./app", "'.' at position 11 is not allowed: a registry host must not have an empty part")]
    [TestCase(".example/app", "'.' at position 0 is not allowed: a registry host must not have an empty part")]
    [TestCase("[::1/app", "'[' at position 0 opens an IPv6 address that is never closed")]
    [TestCase("[::g]/app", "'g' at position 3 is not allowed in a bracketed IPv6 address")]
    [TestCase("[]:5000/app", "']' at position 1 closes empty brackets")]
    [TestCase("[::1]x/app", "'x' at position 5 is not allowed: a bracketed IPv6 address may only be followed by ':'")]
    [TestCase("[::1]:/app", "':' at position 5 must be followed by a port number")]
    public void Parse_InvalidReference_ThrowsNamingReferenceCharacterAndPosition(string input, string expected)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => ImageReference.Parse(input));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Message, Does.StartWith($"reference \"{input}\": "));
            Assert.That(error.Message, Does.Contain(expected));
            Assert.That(ImageReference.TryParse(input, out var reference), Is.False);
            Assert.That(reference, Is.Null);
        }
    }

    [TestCase("nginx@sha256:abc", "has 3 hex characters; sha256 needs exactly 64")]
    [TestCase("nginx@md5:" + Hex, "unsupported algorithm \"md5\"")]
    [TestCase("nginx:1@sha256:E3B0", "upper-case hex is not allowed")]
    public void Parse_BadDigest_ThrowsWithDigestMessageAndPosition(string input, string expected)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => ImageReference.Parse(input));

        using (Assert.EnterMultipleScope())
        {
            var at = input.IndexOf('@', StringComparison.Ordinal) + 1;
            Assert.That(error.Message, Does.StartWith($"reference \"{input}\": the digest at position {at} is not valid: "));
            Assert.That(error.Message, Does.Contain(expected));
            Assert.That(error.InnerException, Is.TypeOf<InvalidArgumentException>());
        }
    }

    [Test]
    public void Parse_TagOf129Characters_ThrowsNamingLengthAndLimit()
    {
        var error = Assert.Throws<InvalidArgumentException>(() => ImageReference.Parse("nginx:" + new string('a', 129)));

        Assert.That(error.Message, Does.Contain("the tag at position 6 is 129 characters long: the limit is 128"));
    }

    [Test]
    public void Parse_NameOver255CharactersOnceNormalized_ThrowsNamingLengthAndLimit()
    {
        var error = Assert.Throws<InvalidArgumentException>(() => ImageReference.Parse(new string('a', 240)));

        Assert.That(error.Message, Does.Contain("the name is 258 characters long once normalized: the limit is 255"));
    }

    [Test]
    public void Parse_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => ImageReference.Parse((string)null!));
    }

    [Test]
    public void TryParse_Null_ReturnsFalse()
    {
        Assert.That(ImageReference.TryParse((string?)null, out _), Is.False);
    }

    [Test]
    public void TryParse_ValidReference_ReturnsTheParsedValue()
    {
        var parsed = ImageReference.TryParse("ghcr.io/org/app:1", out var reference);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed, Is.True);
            Assert.That(reference, Is.EqualTo(ImageReference.Parse("ghcr.io/org/app:1")));
        }
    }

    [Test]
    public void WithTag_ReferenceWithDigest_ReplacesTagKeepsDigestAndLeavesOriginal()
    {
        var original = ImageReference.Parse("ghcr.io/org/app:1@" + Sha);

        var retagged = original.WithTag("2");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(retagged.ToString(), Is.EqualTo("ghcr.io/org/app:2@" + Sha));
            Assert.That(original.ToString(), Is.EqualTo("ghcr.io/org/app:1@" + Sha));
        }
    }

    [TestCase(".v1", "tag \".v1\": '.' at position 0 is not allowed: a tag must start with a letter, digit or '_'")]
    [TestCase("v 1", "tag \"v 1\": U+0020 at position 1 is not allowed in a tag")]
    [TestCase("", "the tag for docker.io/library/nginx is empty")]
    public void WithTag_InvalidTag_ThrowsNamingCharacterAndPosition(string tag, string expected)
    {
        var reference = ImageReference.Parse("nginx");

        var error = Assert.Throws<InvalidArgumentException>(() => reference.WithTag(tag));

        Assert.That(error.Message, Does.StartWith(expected));
    }

    [Test]
    public void WithDigest_TaggedReference_PinsDigestKeepsTagAndLeavesOriginal()
    {
        var original = ImageReference.Parse("user/app:v1");

        var pinned = original.WithDigest(Digest.Parse(Sha));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pinned.ToFamiliarString(), Is.EqualTo("user/app:v1@" + Sha));
            Assert.That(pinned.Digest, Is.EqualTo(Digest.Parse(Sha)));
            Assert.That(original.Digest, Is.Null);
        }
    }

    [Test]
    public void WithDigest_EmptyDigest_Throws()
    {
        var reference = ImageReference.Parse("nginx");

        var error = Assert.Throws<InvalidArgumentException>(() => reference.WithDigest(default));

        Assert.That(error.Message, Does.Contain("empty digest"));
    }
}
