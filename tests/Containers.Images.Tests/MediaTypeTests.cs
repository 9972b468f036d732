using System.Text.Json;
using Containers.Errors;

namespace Containers.Images.Tests;

public sealed class MediaTypeTests
{
    [Test]
    public void Essence_DropsParameters()
    {
        var withCharset = new MediaType("application/vnd.oci.image.manifest.v1+json; charset=utf-8");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(withCharset.Essence, Is.EqualTo("application/vnd.oci.image.manifest.v1+json"));
            Assert.That(withCharset.ToString(), Is.EqualTo("application/vnd.oci.image.manifest.v1+json; charset=utf-8"));
            Assert.That(default(MediaType).Essence, Is.Empty);
        }
    }

    [Test]
    public void Equality_ComparesTheEssenceOnly()
    {
        var withCharset = new MediaType("application/vnd.oci.image.manifest.v1+json;charset=utf-8");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(withCharset, Is.EqualTo(MediaType.OciManifest));
            Assert.That(withCharset.GetHashCode(), Is.EqualTo(MediaType.OciManifest.GetHashCode()));
            Assert.That(withCharset.IsManifest, Is.True);
            Assert.That(MediaType.OciManifest, Is.Not.EqualTo(MediaType.DockerManifest));
        }
    }

    [TestCase("application/vnd.oci.image.manifest.v1+json", "manifest", false, false)]
    [TestCase("application/vnd.docker.distribution.manifest.v2+json", "manifest", true, false)]
    [TestCase("application/vnd.oci.image.index.v1+json", "index", false, false)]
    [TestCase("application/vnd.docker.distribution.manifest.list.v2+json", "index", true, false)]
    [TestCase("application/vnd.oci.image.config.v1+json", "config", false, false)]
    [TestCase("application/vnd.docker.container.image.v1+json", "config", true, false)]
    [TestCase("application/vnd.oci.image.layer.v1.tar+gzip", "layer", false, false)]
    [TestCase("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", "layer", false, true)]
    [TestCase("application/vnd.docker.image.rootfs.diff.tar.gzip", "layer", true, false)]
    [TestCase("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "layer", true, true)]
    [TestCase("application/vnd.oci.empty.v1+json", "other", false, false)]
    [TestCase("application/vnd.in-toto+json", "other", false, false)]
    public void Kind_OfAKnownType_IsExactlyOneOfManifestIndexConfigOrLayer(string value, string kind, bool docker, bool nondistributable)
    {
        var mediaType = new MediaType(value);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(mediaType.IsManifest, Is.EqualTo(kind == "manifest"), nameof(MediaType.IsManifest));
            Assert.That(mediaType.IsIndex, Is.EqualTo(kind == "index"), nameof(MediaType.IsIndex));
            Assert.That(mediaType.IsConfig, Is.EqualTo(kind == "config"), nameof(MediaType.IsConfig));
            Assert.That(mediaType.IsLayer, Is.EqualTo(kind == "layer"), nameof(MediaType.IsLayer));
            Assert.That(mediaType.IsDocker, Is.EqualTo(docker), nameof(MediaType.IsDocker));
            Assert.That(mediaType.IsNondistributable, Is.EqualTo(nondistributable), nameof(MediaType.IsNondistributable));
        }
    }

    [TestCase("application/vnd.oci.image.layer.v1.tar", LayerCompression.None)]
    [TestCase("application/vnd.oci.image.layer.v1.tar+gzip", LayerCompression.Gzip)]
    [TestCase("application/vnd.oci.image.layer.v1.tar+zstd", LayerCompression.Zstd)]
    [TestCase("application/vnd.oci.image.layer.nondistributable.v1.tar", LayerCompression.None)]
    [TestCase("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", LayerCompression.Gzip)]
    [TestCase("application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", LayerCompression.Zstd)]
    [TestCase("application/vnd.docker.image.rootfs.diff.tar", LayerCompression.None)]
    [TestCase("application/vnd.docker.image.rootfs.diff.tar.gzip", LayerCompression.Gzip)]
    [TestCase("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", LayerCompression.Gzip)]
    public void Compression_OfALayerType_IsItsEncoding(string value, LayerCompression expected)
    {
        var mediaType = new MediaType(value);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(mediaType.IsLayer, Is.True);
            Assert.That(mediaType.Compression, Is.EqualTo(expected));
        }
    }

    [Test]
    public void Compression_OfANonLayerType_IsNull()
    {
        Assert.That(MediaType.OciManifest.Compression, Is.Null);
    }

    [TestCase(LayerCompression.None, false, "application/vnd.oci.image.layer.v1.tar")]
    [TestCase(LayerCompression.Gzip, false, "application/vnd.oci.image.layer.v1.tar+gzip")]
    [TestCase(LayerCompression.Zstd, false, "application/vnd.oci.image.layer.v1.tar+zstd")]
    [TestCase(LayerCompression.None, true, "application/vnd.docker.image.rootfs.diff.tar")]
    [TestCase(LayerCompression.Gzip, true, "application/vnd.docker.image.rootfs.diff.tar.gzip")]
    public void LayerFor_PicksTheTypeOfTheFamily(LayerCompression compression, bool docker, string expected)
    {
        Assert.That(MediaType.LayerFor(compression, docker).Value, Is.EqualTo(expected));
    }

    [Test]
    public void LayerFor_ZstdInDocker_IsRejected()
    {
        var error = Assert.Throws<InvalidArgumentException>(() => MediaType.LayerFor(LayerCompression.Zstd, docker: true));

        Assert.That(error.Message, Does.Contain("Docker schema 2 has no media type for Zstd layers"));
    }

    [Test]
    public void Json_RoundTrip_KeepsTheStringWithParameters()
    {
        var mediaType = new MediaType("application/vnd.oci.image.index.v1+json; charset=utf-8");

        var json = JsonSerializer.Serialize(mediaType);
        var back = JsonSerializer.Deserialize<MediaType>(json);

        Assert.That(back.Value, Is.EqualTo(mediaType.Value));
    }

    [Test]
    public void Json_NonString_IsRejected()
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<MediaType>("{}"));

        Assert.That(error.Message, Does.Contain("a media type must be a JSON string"));
    }
}
