using Containers.Errors;
using Containers.Orchestration.Api;

namespace Containers.Orchestration.Tests.Api;

public sealed class NamespacedNameTests
{
    [TestCase("default/web", "default", "web")]
    [TestCase("kube-system/coredns.v1", "kube-system", "coredns.v1")]
    [TestCase("node-1", null, "node-1")]
    [TestCase("system:discovery", null, "system:discovery")]
    public void Parse_ValidKey_SplitsNamespaceAndName(string text, string? ns, string name)
    {
        var key = NamespacedName.Parse(text);

        Assert.Multiple(() =>
        {
            Assert.That(key.Namespace, Is.EqualTo(ns));
            Assert.That(key.Name, Is.EqualTo(name));
            Assert.That(key.ToString(), Is.EqualTo(text));
        });
    }

    [TestCase("Default/web", "namespace \"Default\"")]
    [TestCase("default/", "name \"\"")]
    [TestCase("default/..", "name \"..\"")]
    [TestCase("default/a%2Fb", "name \"a%2Fb\"")]
    [TestCase("a.b/web", "namespace \"a.b\"")]
    public void Parse_InvalidKey_ThrowsNamingThePart(string text, string expected)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => NamespacedName.Parse(text));

        Assert.That(error!.Message, Does.StartWith(expected));
    }

    [Test]
    public void Equality_SameParts_AreEqual() =>
        Assert.That(NamespacedName.Parse("ns/a"), Is.EqualTo(new NamespacedName("ns", "a")));
}
