using Containers.Errors;
using Containers.Orchestration.Api;

namespace Containers.Orchestration.Tests.Api;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web", ["env"] = "prod", ["rank"] = "5" };

    [TestCase("", true)]
    [TestCase("app=web", true)]
    [TestCase("app==web", true)]
    [TestCase("app = web , env=prod", true)]
    [TestCase("app=db", false)]
    [TestCase("app!=db", true)]
    [TestCase("missing!=x", true)]
    [TestCase("app!=web", false)]
    [TestCase("env in (prod,test)", true)]
    [TestCase("env in (test)", false)]
    [TestCase("env notin (test)", true)]
    [TestCase("missing notin (test)", true)]
    [TestCase("env notin (prod)", false)]
    [TestCase("app", true)]
    [TestCase("missing", false)]
    [TestCase("!missing", true)]
    [TestCase("!app", false)]
    [TestCase("rank>4", true)]
    [TestCase("rank<5", false)]
    [TestCase("app=web,app=db", false)]
    [TestCase("example.com/tier=", false)]
    public void Parse_StringForm_MatchesAsKubernetes(string text, bool matches) =>
        Assert.That(LabelSelector.Parse(text).Matches(Web), Is.EqualTo(matches));

    [TestCase("app=")]
    [TestCase("Bad Key=1")]
    [TestCase("app in ()")]
    [TestCase("app in (a")]
    [TestCase("app=a b")]
    [TestCase("app=-x")]
    [TestCase("rank>x")]
    [TestCase("/name=x")]
    [TestCase("app foo (x)")]
    [TestCase(",")]
    public void Parse_Malformed_ThrowsNamingTheSelector(string text)
    {
        if (text == "app=")
        {
            // An empty value is valid: app= selects objects whose app label is empty.
            Assert.That(LabelSelector.Parse(text).Matches(new Dictionary<string, string> { ["app"] = string.Empty }), Is.True);
            return;
        }

        var error = Assert.Throws<InvalidArgumentException>(() => LabelSelector.Parse(text));
        Assert.That(error!.Message, Does.Contain($"\"{text}\""));
    }

    [Test]
    public void ToString_PrintsSortedStringFormThatParsesBack()
    {
        var selector = new LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["tier"] = "front", ["app"] = "web" },
            MatchExpressions =
            [
                new LabelSelectorRequirement { Key = "env", Operator = LabelSelectorOperator.In, Values = ["test", "prod"] },
                new LabelSelectorRequirement { Key = "gpu", Operator = LabelSelectorOperator.DoesNotExist },
            ],
        };

        var text = selector.ToString();

        Assert.That(text, Is.EqualTo("app=web,env in (prod,test),!gpu,tier=front"));
        Assert.That(LabelSelector.Parse(text).ToString(), Is.EqualTo(text));
    }

    [Test]
    public void Empty_MatchesEverything() =>
        Assert.That(LabelSelector.Everything.Matches(new Dictionary<string, string>()), Is.True);
}
