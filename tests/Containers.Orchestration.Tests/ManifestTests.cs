using Containers.Orchestration.Api;
using Containers.Orchestration.Serialization;
using Containers.Orchestration.Validation;

namespace Containers.Orchestration.Tests;

/// <summary>The example manifests of every kind apply unchanged: they decode strictly, default and validate.</summary>
public sealed class ManifestTests
{
    private static readonly string Directory = Path.Combine(TestContext.CurrentContext.TestDirectory, "Manifests");

    private static IEnumerable<string> Files => System.IO.Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Manifests"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [TestCaseSource(nameof(Files))]
    public void Manifest_DecodesStrictly_DefaultsAndValidates(string file)
    {
        var objects = KubeYaml.Deserialize(File.ReadAllText(Path.Combine(Directory, file)));

        Assert.That(objects, Is.Not.Empty);
        foreach (var obj in objects)
        {
            var defaulted = KubeDefaults.Apply(obj);
            Assert.That(KubeValidation.Validate(defaulted), Is.Empty, $"{obj.Kind} {obj.Name}");
            Assert.That(KubeValidation.Validate(obj), Is.Empty, $"{obj.Kind} {obj.Name} before defaulting");
        }
    }

    [TestCaseSource(nameof(Files))]
    public void Manifest_RoundTripsThroughYaml(string file)
    {
        var objects = KubeYaml.Deserialize(File.ReadAllText(Path.Combine(Directory, file)));

        var again = KubeYaml.Deserialize(KubeYaml.Serialize(objects));

        Assert.That(again, Has.Count.EqualTo(objects.Count));
        for (var i = 0; i < objects.Count; i++)
        {
            Assert.That(KubeJson.SemanticEquals(again[i], objects[i]), Is.True, $"{objects[i].Kind} {objects[i].Name}");
        }
    }

    [Test]
    public void Manifests_CoverEveryKindButControllerRevision()
    {
        var kinds = Files.SelectMany(f => KubeYaml.Deserialize(File.ReadAllText(Path.Combine(Directory, f)))).Select(o => o.Kind).ToHashSet();

        Assert.That(ResourceRegistry.Default.All.Select(t => t.Kind).Where(k => k != "ControllerRevision"), Is.SubsetOf(kinds));
    }

    /// <summary>
    /// The documentation's own example files (see <see cref="KubernetesExamples"/>): every file whose
    /// objects are all of kinds this platform serves decodes strictly, defaults, validates and
    /// round-trips through JSON. A file with any object of another kind or version (Ingress,
    /// NetworkPolicy, autoscaling/v1, ...) is skipped whole and listed in the test's output.
    /// </summary>
    [Test]
    public void DocumentationExamples_FromKubernetesExamplesDir_ApplyUnchanged()
    {
        var directory = KubernetesExamples.Find(out var reason);
        if (directory is null)
        {
            Assert.Ignore(reason);
            return;
        }

        var failures = new List<string>();
        var skipped = new List<string>();
        var applied = 0;
        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(directory, file);
            try
            {
                var yaml = File.ReadAllText(file);
                var unserved = UnservedKinds(yaml);
                if (unserved.Count > 0)
                {
                    skipped.Add($"{name} ({string.Join(", ", unserved)})");
                    continue;
                }

                foreach (var obj in KubeYaml.Deserialize(yaml))
                {
                    var defaulted = KubeDefaults.Apply(obj);
                    failures.AddRange(KubeValidation.Validate(defaulted).Select(e => $"{name}: {obj.Kind} {obj.Name}: {e}"));
                    var stored = KubeJson.Deserialize(KubeJson.SerializeToUtf8Bytes(defaulted), strict: true);
                    if (!KubeJson.SemanticEquals(stored, defaulted))
                    {
                        failures.Add($"{name}: {obj.Kind} {obj.Name}: changes on a JSON round trip");
                    }

                    applied++;
                }
            }
            catch (Containers.Errors.InvalidArgumentException e)
            {
                failures.Add($"{name}: {e.Message}");
            }
        }

        TestContext.Out.WriteLine($"{applied} objects applied from {directory}; {skipped.Count} files skipped for kinds not served:");
        skipped.ForEach(s => TestContext.Out.WriteLine($"  {s}"));
        Assert.That(applied, Is.Positive, $"no example in {directory} is of a kind this platform serves");
        Assert.That(failures, Is.Empty, string.Join(Environment.NewLine, failures));
    }

    /// <summary>The apiVersion/kind of each object in <paramref name="yaml"/> (items of a List included) that no registered kind matches.</summary>
    private static List<string> UnservedKinds(string yaml)
    {
        var unserved = new List<string>();
        foreach (var document in KubeYaml.ToJson(yaml))
        {
            using var json = System.Text.Json.JsonDocument.Parse(document);
            AddUnservedKinds(json.RootElement, unserved);
        }

        return unserved;
    }

    private static void AddUnservedKinds(System.Text.Json.JsonElement obj, List<string> unserved)
    {
        var typeMeta = KubeJson.PeekTypeMeta(System.Text.Encoding.UTF8.GetBytes(obj.GetRawText()));
        if (typeMeta is { ApiVersion: "v1", Kind: "List" })
        {
            if (obj.TryGetProperty("items", out var items) && items.ValueKind == System.Text.Json.JsonValueKind.Array)
            {
                foreach (var item in items.EnumerateArray())
                {
                    AddUnservedKinds(item, unserved);
                }
            }
        }
        else if (ResourceRegistry.Default.Find(typeMeta.ApiVersion, typeMeta.Kind) is null)
        {
            unserved.Add($"{typeMeta.ApiVersion}/{typeMeta.Kind}");
        }
    }
}
