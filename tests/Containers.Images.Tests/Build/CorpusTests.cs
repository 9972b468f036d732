using System.Text.Json;
using System.Text.Json.Nodes;
using Containers.Images.Build;
using Containers.Images.Engine;

namespace Containers.Images.Tests.Build;

/// <summary>
/// The corpus (Build/Corpus/README.md): each case builds with our builder, and its image's default
/// command, run through the engine with no network, prints <c>expected.txt</c>; its config holds
/// what <c>expected-config.json</c> lists.
/// </summary>
public sealed class CorpusTests : BuildTest
{
    public static IEnumerable<string> Cases() => BuildCorpus.Names();

    [TestCaseSource(nameof(Cases))]
    public async Task Case_Builds_AndItsImagePrintsTheExpectedOutput(string name)
    {
        var corpusCase = BuildCorpus.Load(name);

        var result = await BuildCaseAsync(corpusCase);
        var (exit, stdout, stderr) = await RunForStdoutAsync(result.Image);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(0), stderr);
            Assert.That(stdout, Is.EqualTo(corpusCase.ExpectedOutput), stderr);
        });
        if (corpusCase.ExpectedConfigJson is { } expected)
        {
            AssertConfigHolds(result.Image, expected);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public async Task Case_BuiltAgain_DoesNoWork(string name)
    {
        var corpusCase = BuildCorpus.Load(name);
        var context = CopyOf(corpusCase.ContextDirectory);
        var cold = await BuildCaseAsync(corpusCase, r => r with { ContextDirectory = context });
        var recorder = new Recorder();

        var warm = await BuildCaseAsync(corpusCase, r => r with { ContextDirectory = context }, recorder);

        var fileSteps = recorder.Finished.Where(e => e.Instruction.Split(' ')[0].ToUpperInvariant() is "RUN" or "COPY" or "ADD" or "WORKDIR").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(warm.ContainersCreated, Is.EqualTo(0), "no step container");
            Assert.That(warm.LayersWritten, Is.EqualTo(0), "no layer written");
            Assert.That(fileSteps.Where(e => !e.Cached).Select(e => e.Instruction), Is.Empty, "every step that writes files came from the cache");
            Assert.That(warm.Image.Config.RootFs.DiffIds, Is.EqualTo(cold.Image.Config.RootFs.DiffIds));
        });
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunForStdoutAsync(IImage image)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var info = await Engine.RunAsync(new ContainerRunSpec(image) { Network = "none" }, timeout.Token);
        var status = await Engine.WaitAsync(info.Id, timeout.Token);
        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        await foreach (var entry in Engine.LogsAsync(info.Id, follow: true, timeout.Token))
        {
            (entry.Source == LogSource.Stdout ? stdout : stderr).Append(entry.Text);
        }

        await Engine.RemoveAsync(info.Id, force: true);
        return (status.ExitCode, stdout.ToString(), stderr.ToString());
    }

    private static void AssertConfigHolds(IImage image, string expectedJson)
    {
        var actual = JsonNode.Parse(image.RawConfig.Span)!["config"]!.AsObject();
        var expected = JsonNode.Parse(expectedJson)!.AsObject();
        Assert.Multiple(() =>
        {
            foreach (var (field, value) in expected)
            {
                var got = actual[field];
                if (value is null)
                {
                    Assert.That(got is null || got.ToJsonString() is "[]" or "{}" or "\"\"", Is.True, $"config field {field} should be absent or empty, is {got?.ToJsonString()}");
                }
                else
                {
                    Assert.That(JsonNode.DeepEquals(Sorted(got), Sorted(value)), Is.True, $"config field {field}: expected {value.ToJsonString()}, got {got?.ToJsonString() ?? "nothing"}");
                }
            }
        });
    }

    private static JsonNode? Sorted(JsonNode? node) => node is JsonObject obj
        ? new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value?.DeepClone()))))
        : node?.DeepClone();
}
