using Containers.Images.Build.Context;
using Containers.Images.Build.Dockerfile;

namespace Containers.Images.Tests.Build.Dockerfile;

/// <summary>The build corpus parses, and between its cases covers what the build acceptance asks for.</summary>
public sealed class CorpusParseTests
{
    private static IEnumerable<string> CaseNames() => BuildCorpus.Names();

    [TestCaseSource(nameof(CaseNames))]
    public async Task Case_Parses_BuildsFromBusybox_AndNamesAnExistingTarget(string name)
    {
        var corpusCase = BuildCorpus.Load(name);

        var document = await DockerfileParser.ParseFileAsync(corpusCase.DockerfilePath);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(document.Stages, Is.Not.Empty);
            foreach (var stage in document.Stages)
            {
                var earlierStage = document.Stages.Take(stage.Index).Any(s => s.Name == stage.BaseName);
                Assert.That(stage.BaseName is "busybox" or "${BASE}" or "${STAGE}" || earlierStage, Is.True,
                    $"stage {stage.DisplayName} builds on {stage.BaseName}: the corpus builds on busybox only");
            }

            if (corpusCase.Target is { } target)
            {
                Assert.That(document.FindStage(target), Is.Not.Null, $"target {target}");
            }

            Assert.That(corpusCase.ExpectedOutput, Does.EndWith("\n"));
            Assert.That(document.Warnings.Select(w => w.Message), Is.All.Contain("MAINTAINER").Or.Contain("legacy"));
        }
    }

    [Test]
    public void Corpus_HasAtLeastTwentyCases()
    {
        Assert.That(BuildCorpus.Names().Count(), Is.GreaterThanOrEqualTo(20));
    }

    [Test]
    public void Corpus_CoversTheAcceptanceFeatures()
    {
        var cases = BuildCorpus.All().ToList();
        var instructions = cases
            .Select(c => DockerfileParser.Parse(File.ReadAllText(c.DockerfilePath), c.Name))
            .SelectMany(d => d.Stages.SelectMany(s => s.Instructions).Concat(d.GlobalArgs))
            .ToList();
        var runs = instructions.OfType<RunInstruction>().ToList();
        var copies = instructions.OfType<CopyInstruction>().ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(copies.Any(c => c.From is not null), "COPY --from");
            Assert.That(copies.Any(c => c.Chown is not null), "COPY --chown");
            Assert.That(copies.Any(c => c.Chmod is not null), "COPY --chmod");
            Assert.That(copies.Any(c => c.Sources.OfType<HeredocSource>().Any()), "COPY <<EOF");
            Assert.That(runs.Any(r => r.Heredocs.Length > 0), "RUN <<EOF");
            Assert.That(runs.Any(r => r.Mounts.Any(m => m.Type == RunMountType.Cache)), "RUN --mount=type=cache");
            Assert.That(runs.Any(r => r.Mounts.Any(m => m.Type == RunMountType.Bind)), "RUN --mount=type=bind");
            Assert.That(instructions.OfType<AddInstruction>().Any(a => a.Sources.OfType<PathSource>().Any(p => p.Pattern.EndsWith(".tar.gz", StringComparison.Ordinal))), "ADD x.tar.gz");
            Assert.That(instructions.OfType<UserInstruction>(), Is.Not.Empty, "USER");
            Assert.That(instructions.OfType<OnBuildInstruction>(), Is.Not.Empty, "ONBUILD");
            Assert.That(instructions.OfType<StopSignalInstruction>(), Is.Not.Empty, "STOPSIGNAL");
            Assert.That(instructions.OfType<HealthcheckInstruction>(), Is.Not.Empty, "HEALTHCHECK");
            Assert.That(instructions.OfType<VolumeInstruction>(), Is.Not.Empty, "VOLUME");
            Assert.That(instructions.OfType<LabelInstruction>(), Is.Not.Empty, "LABEL");
            Assert.That(instructions.OfType<ExposeInstruction>(), Is.Not.Empty, "EXPOSE");
            Assert.That(instructions.OfType<ShellInstruction>(), Is.Not.Empty, "SHELL");
            Assert.That(instructions.OfType<EntrypointInstruction>(), Is.Not.Empty, "ENTRYPOINT");
            Assert.That(instructions.OfType<WorkdirInstruction>(), Is.Not.Empty, "WORKDIR");
            Assert.That(instructions.OfType<EnvInstruction>(), Is.Not.Empty, "ENV");
            Assert.That(cases.Any(c => c.BuildArgs.Count > 0), "build-args.txt");
            Assert.That(cases.Any(c => c.Target is not null), "target.txt");
            Assert.That(cases.Any(c => File.Exists(Path.Combine(c.ContextDirectory, ".dockerignore"))), ".dockerignore");
        }
    }

    [Test]
    public async Task DockerignoreCase_IgnoresWhatItsExpectedOutputSaysIsAbsent()
    {
        var corpusCase = BuildCorpus.Load("07-dockerignore");

        var ignore = await DockerIgnore.LoadAsync(corpusCase.ContextDirectory, corpusCase.DockerfilePath);

        var lines = corpusCase.ExpectedOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using (Assert.EnterMultipleScope())
        {
            foreach (var line in lines)
            {
                var path = line[8..];
                Assert.That(ignore.Matches(path), Is.EqualTo(line.StartsWith("absent", StringComparison.Ordinal)), line);
                Assert.That(File.Exists(Path.Combine(corpusCase.ContextDirectory, path)), Is.True, $"{path} is in the context");
            }
        }
    }
}
