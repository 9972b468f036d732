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

    /// <summary>The documentation's own example files, when a directory of them is given (they are not in this repository).</summary>
    [Test]
    public void DocumentationExamples_FromKubernetesExamplesDir_ApplyUnchanged()
    {
        var directory = Environment.GetEnvironmentVariable("KUBERNETES_EXAMPLES_DIR");
        if (string.IsNullOrEmpty(directory) || !System.IO.Directory.Exists(directory))
        {
            Assert.Ignore("set KUBERNETES_EXAMPLES_DIR to a directory of the Kubernetes documentation's example manifests");
            return;
        }

        var failures = new List<string>();
        var registry = ResourceRegistry.Default;
        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*.yaml", SearchOption.AllDirectories))
        {
            try
            {
                var documents = KubeYaml.ToJson(File.ReadAllText(file));
                if (documents.Any(d => registry.Find(KubeJson.PeekTypeMeta(d).ApiVersion, KubeJson.PeekTypeMeta(d).Kind) is null))
                {
                    continue;
                }

                foreach (var obj in KubeYaml.Deserialize(File.ReadAllText(file)))
                {
                    failures.AddRange(KubeValidation.Validate(KubeDefaults.Apply(obj)).Select(e => $"{file}: {obj.Kind} {obj.Name}: {e}"));
                }
            }
            catch (Containers.Errors.InvalidArgumentException e)
            {
                failures.Add($"{file}: {e.Message}");
            }
        }

        Assert.That(failures, Is.Empty);
    }
}
