using Containers.Errors;
using Containers.Orchestration.Api;

namespace Containers.Orchestration.Tests.Api;

public sealed class IntOrStringTests
{
    [TestCase("25%", 10, true, 3)]
    [TestCase("25%", 10, false, 2)]
    [TestCase("100%", 7, false, 7)]
    [TestCase("0%", 7, true, 0)]
    public void GetScaledValue_Percent_RoundsAsKubernetes(string value, int total, bool roundUp, int expected) =>
        Assert.That(new IntOrString(value).GetScaledValue(total, roundUp), Is.EqualTo(expected));

    [Test]
    public void GetScaledValue_Int_IsItself() => Assert.That(new IntOrString(4).GetScaledValue(100, false), Is.EqualTo(4));

    [Test]
    public void GetScaledValue_NotPercent_Throws() =>
        Assert.Throws<InvalidArgumentException>(() => new IntOrString("http").GetScaledValue(10, true));
}
