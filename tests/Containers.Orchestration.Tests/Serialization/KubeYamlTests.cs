using System.Text;
using Containers.Errors;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Serialization;
using Containers.Orchestration.Serialization.Yaml;

namespace Containers.Orchestration.Tests.Serialization;

public sealed class KubeYamlTests
{
    private static string Json(string yaml) => Encoding.UTF8.GetString(KubeYaml.ToJson(yaml).Single());

    [TestCase("a: yes", """{"a":true}""")]
    [TestCase("a: on", """{"a":true}""")]
    [TestCase("a: Off", """{"a":false}""")]
    [TestCase("a: n", """{"a":false}""")]
    [TestCase("a: ~", """{"a":null}""")]
    [TestCase("a:", """{"a":null}""")]
    [TestCase("a: 80", """{"a":80}""")]
    [TestCase("a: 0644", """{"a":420}""")]
    [TestCase("a: 0x1F", """{"a":31}""")]
    [TestCase("a: 0o17", """{"a":15}""")]
    [TestCase("a: 0b101", """{"a":5}""")]
    [TestCase("a: 1_000", """{"a":1000}""")]
    [TestCase("a: -12", """{"a":-12}""")]
    [TestCase("a: 1.0", """{"a":1}""")]
    [TestCase("a: 0.5", """{"a":0.5}""")]
    [TestCase("a: 1e3", """{"a":1000}""")]
    [TestCase("a: 08", """{"a":8}""")]
    [TestCase("a: \"1.0\"", """{"a":"1.0"}""")]
    [TestCase("a: 'yes'", """{"a":"yes"}""")]
    [TestCase("a: !!str 80", """{"a":"80"}""")]
    [TestCase("a: 2001-12-14", """{"a":"2001-12-14"}""")]
    [TestCase("a: 1.2.3", """{"a":"1.2.3"}""")]
    [TestCase("a: nginx:1.14.2", """{"a":"nginx:1.14.2"}""")]
    [TestCase("a: 100m", """{"a":"100m"}""")]
    [TestCase("yes: 1", """{"true":1}""")]
    [TestCase("8080: x", """{"8080":"x"}""")]
    [TestCase("a: |\n  line one\n  line two\n", """{"a":"line one\nline two\n"}""")]
    [TestCase("a: [1, \"b\", {c: d}]", """{"a":[1,"b",{"c":"d"}]}""")]
    public void ToJson_ResolvesScalarsAsKubernetesYaml(string yaml, string json) =>
        Assert.That(Json(yaml), Is.EqualTo(json));

    [Test]
    public void ToJson_Aliases_AreExpanded()
    {
        const string Yaml = """
            base: &labels
              app: web
            copy: *labels
            """;

        Assert.That(Json(Yaml), Is.EqualTo("""{"base":{"app":"web"},"copy":{"app":"web"}}"""));
    }

    [Test]
    public void ToJson_BillionLaughs_IsRefused()
    {
        var yaml = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i < 10; i++)
        {
            yaml.Append(CultureInfoFree($"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n"));
        }

        var error = Assert.Throws<InvalidArgumentException>(() => KubeYaml.ToJson(yaml.ToString()));
        Assert.That(error!.Message, Does.Contain("expands"));
    }

    [Test]
    public void ToJson_DeepNesting_IsRefusedBeforeTheStackIs()
    {
        var yaml = new string('[', 100_000) + new string(']', 100_000);

        var error = Assert.Throws<InvalidArgumentException>(() => KubeYaml.ToJson(yaml));
        Assert.That(error!.Message, Does.Contain("nests deeper than 100"));
    }

    [Test]
    public void ToJson_TooLarge_IsRefused()
    {
        var error = Assert.Throws<InvalidArgumentException>(() => KubeYaml.ToJson("a: b\n", new YamlLimits { MaxInputLength = 3 }));
        Assert.That(error!.Message, Does.Contain("more than the 3 allowed"));
    }

    [Test]
    public void ToJson_TooManyAliases_IsRefused()
    {
        var yaml = "x: &x 1\nl: [" + string.Join(", ", Enumerable.Repeat("*x", 20)) + "]\n";

        Assert.Throws<InvalidArgumentException>(() => KubeYaml.ToJson(yaml, new YamlLimits { MaxAliases = 10 }));
    }

    [TestCase("a: [1, 2", "line")]
    [TestCase("a: 1\na: 2\n", "Duplicate key a")]
    [TestCase("yes: 1\ntrue: 2\n", "twice")]
    [TestCase("a: .inf", "no JSON form")]
    public void ToJson_BadYaml_SaysWhere(string yaml, string expected)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => KubeYaml.ToJson(yaml));
        Assert.That(error!.Message, Does.Contain(expected));
    }

    [Test]
    public void ToJson_BackslashQuoteInDoubleQuotes_ReadsAsKubectlReadsIt()
    {
        // go-yaml, which kubectl and the API server use, takes \' for ' in a double-quoted scalar
        // (the documentation's envars-file-container.yaml does); elsewhere a backslash stays as written.
        const string Yaml = "a: [\"x\", \"echo \\\"A=\\'a\\'\\nB=\\'b\\'\\\"\"]\r\nb: 'it\\''s'\r\nc: |\r\n  \\'kept\\'\r\nd: \"\\'\"\r\n# \\' in a comment\r\n";

        var json = System.Text.Encoding.UTF8.GetString(KubeYaml.ToJson(Yaml).Single());

        Assert.That(json, Is.EqualTo("""{"a":["x","echo \u0022A=\u0027a\u0027\nB=\u0027b\u0027\u0022"],"b":"it\\\u0027s","c":"\\\u0027kept\\\u0027\n","d":"\u0027"}"""));
    }

    [TestCase("a: \"\\q\"")]
    [TestCase("a: \"\\'\\q\"")]
    public void ToJson_OtherUnknownEscapes_StayErrors(string yaml)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => KubeYaml.ToJson(yaml));
        Assert.That(error!.Message, Does.StartWith("the YAML is not valid at line"));
    }

    [Test]
    public void Deserialize_MultipleDocuments_SkipsEmptyOnes_AndExpandsLists()
    {
        const string Yaml = """
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: one
            ---
            # nothing here
            ---
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Namespace
              metadata:
                name: two
            - apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: three
            ---
            """;

        var objects = KubeYaml.Deserialize(Yaml);

        Assert.That(objects.Select(o => (o.GetType(), o.Name)), Is.EqualTo(new[] { (typeof(ConfigMap), "one"), (typeof(Namespace), "two"), (typeof(Deployment), "three") }));
    }

    [Test]
    public void Deserialize_UnknownField_NamesDocumentAndPath()
    {
        const string Yaml = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: ok
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: web
                    imagee: nginx
            """;

        var error = Assert.Throws<InvalidArgumentException>(() => KubeYaml.Deserialize(Yaml));

        Assert.That(error!.Message, Is.EqualTo("document 2 of 2: Deployment: strict decoding error: unknown field \"spec.template.spec.containers[0].imagee\""));
        Assert.That(KubeYaml.Deserialize(Yaml, strict: false), Has.Count.EqualTo(2));
    }

    [Test]
    public void Deserialize_Strict_DropsUnknownStatusFields_ButNotSpecOnes()
    {
        const string Saved = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: default
              creationTimestamp: null
              selfLink: /api/v1/namespaces/default/pods/web
            spec:
              containers:
              - name: web
                image: nginx
                resources: {}
            status:
              phase: Running
              hostIPs:
              - ip: 10.0.0.4
              containerStatuses:
              - name: web
                ready: true
                restartCount: 0
                image: nginx
                imageID: ""
                allocatedResources:
                  cpu: 100m
                state:
                  running:
                    startedAt: "2024-05-01T12:00:00Z"
            """;

        var error = Assert.Throws<InvalidArgumentException>(() => KubeYaml.Deserialize(Saved));
        Assert.That(error!.Message, Does.Contain("unknown field \"metadata.selfLink\""), "metadata stays strict");

        var pod = (Pod)KubeYaml.Deserialize(Saved.Replace("  selfLink: /api/v1/namespaces/default/pods/web\n", string.Empty, StringComparison.Ordinal)).Single();
        Assert.That(pod.Status.ContainerStatuses.Single().State.Running!.StartedAt, Is.EqualTo(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero)));
        Assert.That(pod.Metadata.CreationTimestamp, Is.Null);
    }

    [Test]
    public void Deserialize_WrongType_NamesThePath()
    {
        const string Yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels:
                enabled: yes
            """;

        var error = Assert.Throws<InvalidArgumentException>(() => KubeYaml.Deserialize(Yaml));

        Assert.That(error!.Message, Is.EqualTo("Deployment: metadata.labels.enabled: Invalid value: expected a string"), "yes is a bool to Kubernetes too, and a label must be a string");
    }

    [Test]
    public void Serialize_QuotesWhatWouldReadBackAsAnotherType_AndRoundTrips()
    {
        var cm = new ConfigMap
        {
            Metadata = new Containers.Orchestration.Api.ObjectMeta { Name = "cfg", Labels = new Dictionary<string, string> { ["version"] = "1.0", ["enabled"] = "yes" } },
            Data = new Dictionary<string, string> { ["empty"] = string.Empty, ["script"] = "echo one\necho two\n", ["port"] = "80", ["plain"] = "hello world" },
        };

        var yaml = KubeYaml.Serialize(cm);
        var back = (ConfigMap)KubeYaml.Deserialize(yaml).Single();

        Assert.That(yaml, Does.Contain("version: \"1.0\"").And.Contain("enabled: \"yes\"").And.Contain("port: \"80\"").And.Contain("empty: \"\"").And.Contain("plain: hello world").And.Contain("script: |"));
        Assert.That(KubeJson.SemanticEquals(back, cm), Is.True, yaml);
    }

    [Test]
    public void Serialize_Many_SeparatesDocuments()
    {
        var yaml = KubeYaml.Serialize([new Namespace { Metadata = new() { Name = "a" } }, new Namespace { Metadata = new() { Name = "b" } }]);

        Assert.That(KubeYaml.Deserialize(yaml).Select(o => o.Name), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(yaml, Does.Contain("---"));
    }

    private static string CultureInfoFree(FormattableString s) => FormattableString.Invariant(s);
}
