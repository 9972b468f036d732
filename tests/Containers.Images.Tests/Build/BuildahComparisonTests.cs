using Containers.Images.Layout;

namespace Containers.Images.Tests.Build;

/// <summary>
/// The corpus built by <c>buildah bud</c> and by our builder gives the same final filesystem,
/// compared entry by entry: paths, types, modes, owners, content and symlink targets. Left out
/// are the stubs buildah leaves where it mounted (an empty <c>/etc/hostname</c>, <c>/etc/hosts</c>
/// and <c>/etc/resolv.conf</c>, empty <c>/dev</c>, <c>/proc</c>, <c>/run</c> and <c>/sys</c>) when
/// our image has nothing there; cases with heredocs, which this buildah predates, are skipped.
/// </summary>
public sealed class BuildahComparisonTests : BuildTest
{
    private static readonly string[] StubFiles = ["etc/hostname", "etc/hosts", "etc/resolv.conf"];
    private static readonly string[] StubDirectories = ["dev", "proc", "run", "sys"];

    public static IEnumerable<string> Cases() => BuildCorpus.Names();

    [TestCaseSource(nameof(Cases))]
    public async Task Case_BuiltByBuildahAndByUs_HasTheSameFilesystem(string name)
    {
        var corpusCase = BuildCorpus.Load(name);
        if (corpusCase.SkipBuildahReason is { } reason)
        {
            Assert.Ignore($"not built with buildah: {reason}");
        }

        if (!Buildah.IsInstalled)
        {
            Assert.Ignore($"needs buildah at {Buildah.Executable}");
        }

        var buildah = new Buildah(Path.Combine(Root, "buildah"));
        var archive = Path.Combine(Root, "busybox-oci.tar");
        await OciArchive.WriteAsync(archive, [(Image, "docker.io/library/busybox:latest")]);
        await buildah.PullAsync(archive);
        var context = CopyOf(corpusCase.ContextDirectory);
        await buildah.BuildAsync(context, Path.Combine(context, "Dockerfile"), "corpus", corpusCase.BuildArgs, corpusCase.Target);
        var theirs = await ImageFiles.FlattenAsync(await buildah.ExportAsync("corpus"));

        var ours = await ImageFiles.FlattenAsync((await BuildCaseAsync(corpusCase)).Image);

        Assert.That(Differences(ours, theirs), Is.Empty);
    }

    /// <summary>Every path where the two filesystems differ, buildah's mount stubs left out where we have nothing.</summary>
    internal static List<string> Differences(SortedDictionary<string, FileEntry> ours, SortedDictionary<string, FileEntry> theirs)
    {
        var empty = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([]));
        bool IsStub(string path, FileEntry entry) =>
            !ours.ContainsKey(path)
            && ((StubFiles.Contains(path) && entry is { Type: 'f' } && entry.Content == empty)
                || (StubDirectories.Contains(path) && entry.Type == 'd' && !theirs.Keys.Any(k => k.StartsWith(path + "/", StringComparison.Ordinal))));
        var differences = new List<string>();
        foreach (var path in ours.Keys.Union(theirs.Keys).Order(StringComparer.Ordinal))
        {
            var mine = ours.GetValueOrDefault(path);
            var other = theirs.GetValueOrDefault(path);
            if (other is not null && IsStub(path, other))
            {
                continue;
            }

            if (mine != other)
            {
                differences.Add($"/{path}: ours {mine?.ToString() ?? "absent"}, buildah's {other?.ToString() ?? "absent"}");
            }
        }

        return differences;
    }
}
