using System.Text;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Serialization;

namespace Containers.Orchestration.Tests.Serialization;

public sealed class KubeJsonTests
{
    [Test]
    public void Serialize_WritesKubernetesShape_WithoutEmptyCollections()
    {
        var cm = new ConfigMap
        {
            Metadata = new ObjectMeta { Name = "game", Namespace = "default", CreationTimestamp = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.FromHours(2)) },
            Data = new Dictionary<string, string> { ["lives"] = "3" },
        };

        Assert.That(
            KubeJson.Serialize(cm),
            Is.EqualTo("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"game","namespace":"default","creationTimestamp":"2024-05-01T10:00:00Z"},"data":{"lives":"3"}}"""));
    }

    [Test]
    public void Deserialize_FindsKindByApiVersionAndKind()
    {
        var obj = KubeJson.Deserialize("""{"kind":"Namespace","metadata":{"name":"team-a","labels":{"x":"y"}},"apiVersion":"v1"}"""u8);

        Assert.That(obj, Is.TypeOf<Namespace>());
        Assert.That(obj.Metadata.Labels["x"], Is.EqualTo("y"));
        Assert.That(obj.Metadata.Finalizers, Is.Empty);
    }

    [Test]
    public void Deserialize_Strict_UnknownFieldNamesItsPath()
    {
        var json = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","nmespace":"y"}}"""u8.ToArray();

        var error = Assert.Throws<InvalidArgumentException>(() => KubeJson.Deserialize(json, strict: true));
        Assert.That(error!.Message, Is.EqualTo("ConfigMap: strict decoding error: unknown field \"metadata.nmespace\""));
        Assert.That(KubeJson.Deserialize(json).Name, Is.EqualTo("x"));
    }

    [TestCase("""{"kind":"ConfigMap"}""", "apiVersion: Required value")]
    [TestCase("""{"apiVersion":"v1"}""", "kind: Required value")]
    [TestCase("""{"apiVersion":"v9","kind":"ConfigMap"}""", "no kind \"ConfigMap\" is registered for version \"v9\"")]
    [TestCase("""{"apiVersion":"v1","kind":"ConfigMap","data":{"a":1}}""", "data.a")]
    public void Deserialize_BadObject_SaysWhat(string json, string expected)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => KubeJson.Deserialize(Encoding.UTF8.GetBytes(json)));

        Assert.That(error!.Message, Does.Contain(expected));
    }

    [Test]
    public void DeepClone_SharesNoCollection()
    {
        var labels = new Dictionary<string, string> { ["a"] = "b" };
        var ns = new Namespace { Metadata = new ObjectMeta { Name = "x", Labels = labels } };

        var clone = KubeJson.DeepClone(ns);
        labels["a"] = "changed";

        Assert.That(clone.Metadata.Labels["a"], Is.EqualTo("b"));
        Assert.That(KubeJson.SemanticEquals(clone.Spec, ns.Spec), Is.True);
        Assert.That(KubeJson.SemanticEquals(clone.Metadata, ns.Metadata), Is.False);
    }
}
