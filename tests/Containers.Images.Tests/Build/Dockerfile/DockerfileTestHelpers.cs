using Containers.Images.Build.Dockerfile;

namespace Containers.Images.Tests.Build.Dockerfile;

/// <summary>Short ways to parse a test Dockerfile and pick out one instruction.</summary>
internal static class DockerfileTestHelpers
{
    /// <summary>Parses lines joined with '\n'.</summary>
    public static DockerfileDocument ParseLines(params string[] lines) => DockerfileParser.Parse(string.Join('\n', lines) + "\n");

    /// <summary>The only instruction of the only stage of "FROM busybox\n" + the given lines.</summary>
    public static T Single<T>(params string[] lines)
        where T : Instruction
    {
        var document = ParseLines(["FROM busybox", .. lines]);
        Assert.That(document.Stages, Has.Length.EqualTo(1));
        Assert.That(document.Stages[0].Instructions, Has.Length.EqualTo(1));
        return (T)document.Stages[0].Instructions[0];
    }

    /// <summary>The parse error of the given lines.</summary>
    public static DockerfileParseException Error(params string[] lines) =>
        Assert.Throws<DockerfileParseException>(() => ParseLines(lines))!;
}
