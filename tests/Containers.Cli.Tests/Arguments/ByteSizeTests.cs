using Containers.Cli.Arguments;
using Containers.Errors;

namespace Containers.Cli.Tests.Arguments;

public sealed class ByteSizeTests
{
    [TestCase("1024", 1024L)]
    [TestCase("10b", 10L)]
    [TestCase("4k", 4096L)]
    [TestCase("512m", 512L * 1024 * 1024)]
    [TestCase("512M", 512L * 1024 * 1024)]
    [TestCase("64MiB", 64L * 1024 * 1024)]
    [TestCase("2mb", 2L * 1024 * 1024)]
    [TestCase("1.5g", 1536L * 1024 * 1024)]
    [TestCase("2 GB", 2L * 1024 * 1024 * 1024)]
    [TestCase("1t", 1024L * 1024 * 1024 * 1024)]
    public void Parse_DockerForms_GiveBytesInPowersOf1024(string text, long expected) =>
        Assert.That(ByteSize.Parse(text, "--memory"), Is.EqualTo(expected));

    [TestCase("")]
    [TestCase("m")]
    [TestCase("lots")]
    [TestCase("12x")]
    [TestCase("12bb")]
    [TestCase("-5m")]
    [TestCase("1..2m")]
    [TestCase("99999999999p")]
    public void Parse_NotASize_NamesTheFlagAndTheValue(string text)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => ByteSize.Parse(text, "--memory"));
        Assert.That(error!.Message, Does.Contain("--memory").And.Contain($"\"{text}\""));
    }
}
