using System.Collections.Immutable;

namespace Containers.Images.Tests.Build;

/// <summary>
/// One case of the build corpus (Build/Corpus/README.md): a Dockerfile, its context, and what the
/// built image must print.
/// </summary>
/// <param name="Name">The case's directory name, e.g. <c>02-multi-stage</c>.</param>
/// <param name="ContextDirectory">The build context: the case's directory.</param>
/// <param name="BuildArgs">The <c>--build-arg</c>s from <c>build-args.txt</c>.</param>
/// <param name="Target">The <c>--target</c> from <c>target.txt</c>; null for the last stage.</param>
/// <param name="ExpectedOutput">What the image's default command prints.</param>
/// <param name="ExpectedConfigJson">Fields the image config must hold (<c>expected-config.json</c>); null when not given.</param>
/// <param name="SkipBuildahReason">Why buildah does not build it (<c>skip-buildah.txt</c>); null when it does.</param>
internal sealed record BuildCorpusCase(
    string Name,
    string ContextDirectory,
    ImmutableDictionary<string, string> BuildArgs,
    string? Target,
    string ExpectedOutput,
    string? ExpectedConfigJson,
    string? SkipBuildahReason)
{
    public string DockerfilePath => Path.Combine(ContextDirectory, "Dockerfile");

    public override string ToString() => Name;
}

/// <summary>Reads the corpus copied beside the test assembly.</summary>
internal static class BuildCorpus
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Build", "Corpus");

    /// <summary>The case names, for <c>[TestCaseSource]</c>.</summary>
    public static IEnumerable<string> Names() =>
        Directory.GetDirectories(Root)
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)!;

    public static IEnumerable<BuildCorpusCase> All() => Names().Select(Load);

    public static BuildCorpusCase Load(string name)
    {
        var directory = Path.Combine(Root, name);
        string? Optional(string file)
        {
            var path = Path.Combine(directory, file);
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }

        var buildArgs = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var line in (Optional("build-args.txt") ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            buildArgs[equals < 0 ? line : line[..equals]] = equals < 0 ? string.Empty : line[(equals + 1)..];
        }

        return new BuildCorpusCase(
            name,
            directory,
            buildArgs.ToImmutable(),
            Optional("target.txt")?.Trim(),
            File.ReadAllText(Path.Combine(directory, "expected.txt")),
            Optional("expected-config.json"),
            Optional("skip-buildah.txt")?.Trim());
    }
}
