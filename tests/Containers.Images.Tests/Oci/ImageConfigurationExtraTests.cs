using System.Text;

namespace Containers.Images.Tests.Oci;

public sealed class ImageConfigurationExtraTests
{
    [Test]
    public void AConfigWithFieldsOciDoesNotName_KeepsThemThroughARoundTrip()
    {
        var json = """{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"],"Domainname":"example"},"rootfs":{"type":"layers","diff_ids":[]},"docker_version":"25.0.0"}""";

        var config = OciDocuments.ParseConfig(Encoding.UTF8.GetBytes(json));
        var written = Encoding.UTF8.GetString(OciDocuments.Serialize(config));

        Assert.Multiple(() =>
        {
            Assert.That(config.Extra, Does.ContainKey("docker_version"));
            Assert.That(config.Config?.Extra, Does.ContainKey("Domainname"));
            Assert.That(written, Does.Contain("\"docker_version\":\"25.0.0\"").And.Contain("\"Domainname\":\"example\""));
        });
    }
}
