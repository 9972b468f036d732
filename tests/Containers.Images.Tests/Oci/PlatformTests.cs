using Containers.Errors;

namespace Containers.Images.Tests;

public sealed class PlatformTests
{
    [TestCase("linux/amd64", "linux", "amd64", null)]
    [TestCase("linux/arm64/v8", "linux", "arm64", "v8")]
    [TestCase("Linux/ARM/V7", "linux", "arm", "v7")]
    [TestCase("windows/amd64", "windows", "amd64", null)]
    public void Parse_OsArchAndVariant_SplitsAndLowercases(string text, string os, string architecture, string? variant)
    {
        var platform = Platform.Parse(text);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(platform.OS, Is.EqualTo(os));
            Assert.That(platform.Architecture, Is.EqualTo(architecture));
            Assert.That(platform.Variant, Is.EqualTo(variant));
            Assert.That(platform.ToString(), Is.EqualTo(text.ToLowerInvariant()));
        }
    }

    [TestCase("linux")]
    [TestCase("linux/")]
    [TestCase("/amd64")]
    [TestCase("linux//v8")]
    [TestCase("linux/arm64/v8/extra")]
    [TestCase("")]
    public void Parse_Malformed_IsRejectedNamingTheValue(string text)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => Platform.Parse(text));

        Assert.That(error.Message, Does.Contain($"platform \"{text}\" must have the form os/arch or os/arch/variant"));
    }

    [TestCase("linux/arm64", "linux/arm64/v8", true)]
    [TestCase("linux/arm64/v8", "linux/arm64", true)]
    [TestCase("linux/arm64/v8", "linux/arm64/v8", true)]
    [TestCase("linux/arm64/v9", "linux/arm64", false)]
    [TestCase("linux/arm/v7", "linux/arm/v6", false)]
    [TestCase("linux/arm", "linux/arm/v6", true)]
    [TestCase("linux/arm/v7", "linux/arm", true)]
    [TestCase("linux/amd64", "windows/amd64", false)]
    [TestCase("linux/amd64", "linux/arm64", false)]
    public void Matches_ComparesOsArchitectureAndVariant(string wanted, string candidate, bool expected)
    {
        Assert.That(Platform.Parse(wanted).Matches(Platform.Parse(candidate)), Is.EqualTo(expected));
    }

    [TestCase("linux/amd64", "sha256:030fcb92e1487b18c974784dcc110a93147c9fc402188370fbfd17efabffc6af")]
    [TestCase("linux/arm64", "sha256:dc472a59fb006797aa2a6bfb54cc9c57959bb0a6d11fadaa608df8c16dea39cf")]
    [TestCase("linux/arm/v6", "sha256:b5dbad4bdb4444d919294afe49a095c23e86782f98cdf0aa286198ddb814b50b")]
    [TestCase("linux/s390x", "sha256:e5aa1b0a24620228b75382997a0977f609b3ca3a95533dafdef84c74cc8df642")]
    public void PickPlatform_DockerManifestList_PicksTheMatchingEntry(string platform, string digest)
    {
        var index = OciDocuments.ParseIndex(TestManifests.Read(TestManifests.DockerManifestList));

        Assert.That(index.PickPlatform(Platform.Parse(platform)).Digest.ToString(), Is.EqualTo(digest));
    }

    [Test]
    public void PickPlatform_RegclientIndex_PicksAmd64ForLinuxAmd64()
    {
        var index = OciDocuments.ParseIndex(TestManifests.Read(TestManifests.RegclientIndex));

        var picked = index.PickPlatform(Platform.Parse("linux/amd64"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(picked.Digest.ToString(), Is.EqualTo("sha256:1effc9d48232693f4584ceb9c5e8d84ddeb5924ea4aff341aa8204510422f668"));
            Assert.That(picked.Platform!.Architecture, Is.EqualTo("amd64"));
        }
    }

    [Test]
    public void PickPlatform_RegclientIndexWithoutS390x_ThrowsNotFoundListingWhatIsOffered()
    {
        var bytes = TestManifests.Read(TestManifests.RegclientIndex);
        var index = OciDocuments.ParseIndex(bytes);
        var digest = Digest.Compute(bytes);

        var error = Assert.Throws<NotFoundException>(() => index.PickPlatform(Platform.Parse("linux/s390x"), digest));

        Assert.That(error.Message, Is.EqualTo(
            $"index {digest} has no manifest for linux/s390x; it offers [linux/amd64, linux/arm64, unknown/unknown, unknown/unknown]: choose one of those platforms"));
    }

    [Test]
    public void PickPlatform_DockerManifestListWithoutArmV7_ThrowsNotFoundListingWhatIsOffered()
    {
        var index = OciDocuments.ParseIndex(TestManifests.Read(TestManifests.DockerManifestList));

        var error = Assert.Throws<NotFoundException>(() => index.PickPlatform(Platform.Parse("linux/arm/v7")));

        Assert.That(error.Message, Is.EqualTo(
            "the index has no manifest for linux/arm/v7; it offers [linux/amd64, linux/arm/v5, linux/arm/v6, linux/arm64/v8, linux/386, linux/ppc64le, linux/s390x]: choose one of those platforms"));
    }

    [Test]
    public void PickPlatform_SingleManifestWithoutPlatform_IsChosen()
    {
        var only = Descriptor.For(MediaType.OciManifest, TestManifests.Read(TestManifests.NoMediaTypeManifest));
        var index = new ImageIndex { Manifests = [only] };

        Assert.That(index.PickPlatform(Platform.Parse("linux/riscv64")), Is.SameAs(only));
    }

    [Test]
    public void Config_Platform_CarriesTheVariant()
    {
        var config = OciDocuments.ParseConfig(TestManifests.Read(TestManifests.GlibcConfig));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.Platform.ToString(), Is.EqualTo("linux/arm64/v8"));
            Assert.That(Platform.Parse("linux/arm64").Matches(config.Platform), Is.True);
        }
    }
}
