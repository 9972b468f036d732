using Containers.Errors;
using Containers.Orchestration.Api;

namespace Containers.Orchestration.Tests.Api;

public sealed class QuantityTests
{
    [TestCase("100m", "100m", 0.1)]
    [TestCase("1", "1", 1)]
    [TestCase("0.5", "500m", 0.5)]
    [TestCase("1000m", "1", 1)]
    [TestCase("1Gi", "1Gi", 1073741824)]
    [TestCase("1.5Gi", "1536Mi", 1610612736)]
    [TestCase("1024Mi", "1Gi", 1073741824)]
    [TestCase("1000Ki", "1000Ki", 1024000)]
    [TestCase("512", "512", 512)]
    [TestCase("0.5Ki", "512", 512)]
    [TestCase("1e3", "1e3", 1000)]
    [TestCase("1.5e3", "1500", 1500)]
    [TestCase("1E6", "1e6", 1000000)]
    [TestCase("500M", "500M", 500000000)]
    [TestCase("1000M", "1G", 1000000000)]
    [TestCase("1.5k", "1500", 1500)]
    [TestCase("1E", "1E", 1e18)]
    [TestCase("-100m", "-100m", -0.1)]
    [TestCase("+2", "2", 2)]
    [TestCase("0", "0", 0)]
    [TestCase("0Gi", "0", 0)]
    [TestCase("1n", "1n", 1e-9)]
    [TestCase("0.1n", "1n", 1e-9)]
    [TestCase("1u", "1u", 1e-6)]
    [TestCase(".5", "500m", 0.5)]
    [TestCase("5.", "5", 5)]
    public void Parse_KubernetesForms_PrintsCanonically(string text, string canonical, double amount)
    {
        var q = Quantity.Parse(text);

        Assert.That(q.ToString(), Is.EqualTo(canonical));
        Assert.That((double)q.Amount, Is.EqualTo(amount).Within(Math.Abs(amount) * 1e-12));
        Assert.That(Quantity.Parse(canonical), Is.EqualTo(q));
    }

    [TestCase("")]
    [TestCase("m")]
    [TestCase("1Z")]
    [TestCase("1KiB")]
    [TestCase("1e")]
    [TestCase("1.2.3")]
    [TestCase("--1")]
    [TestCase(" 1")]
    public void Parse_Malformed_Throws(string text) =>
        Assert.Throws<InvalidArgumentException>(() => Quantity.Parse(text));

    [Test]
    public void Arithmetic_IsExact_AndKeepsTheLeftFormat()
    {
        var sum = Quantity.Parse("100m") + Quantity.Parse("200m") + Quantity.Parse("700m");
        var memory = Quantity.Parse("1Gi") - Quantity.Parse("512Mi");

        Assert.That(sum.ToString(), Is.EqualTo("1"));
        Assert.That(sum.MilliValue, Is.EqualTo(1000));
        Assert.That(memory.ToString(), Is.EqualTo("512Mi"));
        Assert.That(Quantity.Parse("1.5").Value, Is.EqualTo(2), "Value rounds up");
        Assert.That(Quantity.Parse("1Gi") > Quantity.Parse("1G"), Is.True);
        Assert.That(Quantity.Parse("1k"), Is.EqualTo(Quantity.Parse("1000")));
    }
}
