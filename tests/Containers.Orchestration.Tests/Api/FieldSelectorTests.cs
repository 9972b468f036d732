using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Tests.Api;

public sealed class FieldSelectorTests
{
    private static readonly ResourceType Namespaces = ResourceRegistry.Default.Get<Namespace>();

    private static readonly Namespace Terminating = new()
    {
        Metadata = new ObjectMeta { Name = "team-a" },
        Status = new NamespaceStatus { Phase = "Terminating" },
    };

    [TestCase("", true)]
    [TestCase("metadata.name=team-a", true)]
    [TestCase("metadata.name==team-a", true)]
    [TestCase("metadata.name!=team-a", false)]
    [TestCase("metadata.name=team-a,status.phase=Terminating", true)]
    [TestCase("status.phase!=Active", true)]
    [TestCase("status.phase=Active", false)]
    [TestCase("metadata.namespace=", true)]
    public void Matches_ByKindFields(string text, bool matches) =>
        Assert.That(FieldSelector.Parse(text).Matches(Terminating, Namespaces), Is.EqualTo(matches));

    [Test]
    public void Parse_EscapedValue_Unescapes()
    {
        var selector = FieldSelector.Parse(@"metadata.name=a\,b\=c");

        Assert.That(selector.Requirements[0].Value, Is.EqualTo("a,b=c"));
        Assert.That(FieldSelector.Parse(selector.ToString()), Has.Property("Requirements").EqualTo(selector.Requirements));
    }

    [Test]
    public void ValidateFor_UnsupportedField_ThrowsAsKubernetesWords()
    {
        var error = Assert.Throws<InvalidArgumentException>(() => FieldSelector.Parse("spec.nodeName=n1").ValidateFor(Namespaces));

        Assert.That(error!.Message, Does.StartWith("field label not supported: spec.nodeName"));
    }

    [TestCase("metadata.name")]
    [TestCase("=x")]
    [TestCase("a=b,,c=d")]
    [TestCase(@"a=b\x")]
    public void Parse_Malformed_Throws(string text) =>
        Assert.Throws<InvalidArgumentException>(() => FieldSelector.Parse(text));
}
