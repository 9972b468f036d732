using Containers.Cli.Output;

namespace Containers.Cli.Tests.Output;

public sealed class HumanUnitsTests
{
    [TestCase(0.5, "Less than a second")]
    [TestCase(1, "1 second")]
    [TestCase(59, "59 seconds")]
    [TestCase(60, "About a minute")]
    [TestCase(119, "About a minute")]
    [TestCase(120, "2 minutes")]
    [TestCase(59 * 60, "59 minutes")]
    [TestCase(60 * 60, "About an hour")]
    [TestCase(2 * 3600, "2 hours")]
    [TestCase(47 * 3600, "47 hours")]
    [TestCase(3 * 86400, "3 days")]
    [TestCase(15 * 86400, "2 weeks")]
    [TestCase(90 * 86400, "3 months")]
    [TestCase(800 * 86400, "2 years")]
    public void Duration_ReadsAsDockersDoes(double seconds, string expected) =>
        Assert.That(HumanUnits.Duration(TimeSpan.FromSeconds(seconds)), Is.EqualTo(expected));

    [TestCase(0L, "0B")]
    [TestCase(999L, "999B")]
    [TestCase(4_260L, "4.26kB")]
    [TestCase(1_240_000L, "1.24MB")]
    [TestCase(5_000_000_000L, "5GB")]
    public void Size_IsDecimalWith3SignificantDigits(long bytes, string expected) =>
        Assert.That(HumanUnits.Size(bytes), Is.EqualTo(expected));

    [TestCase(512L, "512B")]
    [TestCase(2_048_000L, "1.953MiB")]
    [TestCase(8L * 1024 * 1024 * 1024, "8GiB")]
    public void BinarySize_IsPowersOf1024With4SignificantDigits(long bytes, string expected) =>
        Assert.That(HumanUnits.BinarySize(bytes), Is.EqualTo(expected));
}
