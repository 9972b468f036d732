using Containers.Errors;
using Containers.Images.Engine;

namespace Containers.Images.Tests.Engine;

public sealed class VolumeMountTests
{
    [TestCase("/host/dir:/data", VolumeMountKind.Bind, "/host/dir", "/data", false)]
    [TestCase("/host/dir:/data:ro", VolumeMountKind.Bind, "/host/dir", "/data", true)]
    [TestCase("/host/dir/:/data/sub/:rw", VolumeMountKind.Bind, "/host/dir", "/data/sub", false)]
    [TestCase("cache:/var/cache", VolumeMountKind.Volume, "cache", "/var/cache", false)]
    [TestCase("my.vol_1:/v:ro,Z", VolumeMountKind.Volume, "my.vol_1", "/v", true)]
    [TestCase("/var/lib/data", VolumeMountKind.Volume, "", "/var/lib/data", false)]
    public void Parse_DockersDashVForms_GivesTheMount(string text, VolumeMountKind kind, string source, string target, bool readOnly)
    {
        var mount = VolumeMount.Parse(text);

        Assert.That(mount, Is.EqualTo(new VolumeMount(kind, source, target) { ReadOnly = readOnly }));
    }

    [Test]
    public void Parse_NoCopy_IsKeptForAVolume()
    {
        Assert.That(VolumeMount.Parse("data:/data:nocopy").NoCopy, Is.True);
    }

    [TestCase("", "use /host/path")]
    [TestCase("a:b:c:d", "use /host/path")]
    [TestCase("/host::ro", "use /host/path")]
    [TestCase("relative/dir:/data", "not a valid volume name")]
    [TestCase("./dir:/data", "not a valid volume name")]
    [TestCase("x:/data", "not a valid volume name")]
    [TestCase("/host:data", "is not absolute")]
    [TestCase("/host:/", "cannot be \"/\"")]
    [TestCase("/host:/a/../etc", "\"..\" component")]
    [TestCase("/data:ro", "no container path is left")]
    [TestCase("/host:/data:ro,rw", "ro and rw both given")]
    [TestCase("/host:/data:shared", "\"shared\" is not supported")]
    [TestCase("/host:/data:nocopy", "nocopy applies to volumes only")]
    public void Parse_AnInvalidSpecification_SaysWhatIsWrong(string text, string message)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => VolumeMount.Parse(text));

        Assert.That(error!.Message, Does.Contain(message).And.Contain($"\"{text}\""));
    }

    [TestCase("/host/dir:/data:ro")]
    [TestCase("cache:/var/cache")]
    [TestCase("/var/lib/data")]
    public void ToString_GivesBackTheDashVForm(string text)
    {
        Assert.That(VolumeMount.Parse(text).ToString(), Is.EqualTo(text));
    }
}
