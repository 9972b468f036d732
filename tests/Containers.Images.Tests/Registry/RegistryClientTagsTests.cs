using System.Text;
using Containers.Images.Content;
using Containers.Images.Registry;

namespace Containers.Images.Tests.Registry;

public sealed class RegistryClientTagsTests : RegistryClientTest
{
    [Test]
    public async Task ListTags_WithAPageSize_FollowsTheLinkHeaderToTheEnd()
    {
        foreach (var tag in new[] { "a", "b", "c", "d", "e" })
        {
            Registry.AddImage("app", tag, 10);
        }

        var tags = await Client.ListTagsAsync(Registry.Reference("app"), pageSize: 2).ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(tags, Is.EqualTo(new[] { "a", "b", "c", "d", "e" }));
            Assert.That(Registry.Requests.Count(r => r.Path.EndsWith("/tags/list", StringComparison.Ordinal)), Is.EqualTo(3));
        });
    }

    [Test]
    public void ListTags_LinkThatLoops_IsRefused()
    {
        Registry.AddImage("app", "a", 10);
        Registry.Intercept = r => r.Path.EndsWith("/tags/list", StringComparison.Ordinal)
            ? FakeResponse.Json(200, """{"name":"app","tags":["a"]}""").With("Link", "</v2/app/tags/list?n=1&last=a>; rel=\"next\"")
            : null;

        var error = Assert.ThrowsAsync<Errors.InvalidArgumentException>(async () => await Client.ListTagsAsync(Registry.Reference("app"), pageSize: 1).ToListAsync());

        Assert.That(error!.Message, Does.Contain("loops"));
    }

    [Test]
    public async Task DeleteManifest_ByTag_DeletesTheManifestByItsDigest()
    {
        var image = Registry.AddImage("app", "v1", 10);

        var deleted = await Client.DeleteManifestAsync(Registry.Reference("app:v1"));

        Assert.Multiple(() =>
        {
            Assert.That(deleted, Is.EqualTo(image.Manifest.Digest));
            Assert.That(Registry.Requests.Single(r => r.Method == "DELETE").Path, Is.EqualTo($"/v2/app/manifests/{image.Manifest.Digest}"));
            Assert.That(Registry.Manifest("app", "v1"), Is.Null);
        });
    }

    [Test]
    public async Task TagAsync_PutsTheSameManifestUnderANewTag()
    {
        var image = Registry.AddImage("app", "v1", 10);

        var descriptor = await Client.TagAsync(Registry.Reference("app:v1"), "stable");

        Assert.Multiple(() =>
        {
            Assert.That(descriptor.Digest, Is.EqualTo(image.Manifest.Digest));
            Assert.That(Registry.Manifest("app", "stable"), Is.EqualTo(image.ManifestBytes));
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Referrers_PushedWithASubject_AreListedByTheApiOrTheFallbackTag(bool registrySupportsReferrers)
    {
        Registry.SupportsReferrers = registrySupportsReferrers;
        var subject = Registry.AddImage("app", "v1", 10);
        var signature = await StoreArtifactAsync(subject.Manifest, "application/vnd.example.signature");
        var sbom = await StoreArtifactAsync(subject.Manifest, "application/vnd.example.sbom");
        await Client.PushAsync(Images.Content, signature, Registry.Reference($"app@{signature.Digest}"));
        await Client.PushAsync(Images.Content, sbom, Registry.Reference($"app@{sbom.Digest}"));

        var all = await Client.GetReferrersAsync(Registry.Reference($"app@{subject.Manifest.Digest}"));
        var signatures = await Client.GetReferrersAsync(Registry.Reference("app:v1"), "application/vnd.example.signature");

        var fallbackTag = $"sha256-{subject.Manifest.Digest.Hex}";
        Assert.Multiple(() =>
        {
            Assert.That(all.Select(d => d.Digest), Is.EquivalentTo(new[] { signature.Digest, sbom.Digest }));
            Assert.That(signatures.Select(d => d.Digest), Is.EqualTo(new[] { signature.Digest }));
            Assert.That(signatures[0].ArtifactType, Is.EqualTo("application/vnd.example.signature"));
            Assert.That(Registry.Manifest("app", fallbackTag) is not null, Is.EqualTo(!registrySupportsReferrers), "the fallback tag is kept only where the registry lacks the API");
        });
    }

    [Test]
    public async Task Referrers_OfASubjectWithNone_AreEmpty()
    {
        var subject = Registry.AddImage("app", "v1", 10);

        var referrers = await Client.GetReferrersAsync(Registry.Reference($"app@{subject.Manifest.Digest}"));

        Assert.That(referrers, Is.Empty);
    }

    /// <summary>An artifact manifest about <paramref name="subject"/>, with the empty config, written to the local store.</summary>
    private async Task<Descriptor> StoreArtifactAsync(Descriptor subject, string artifactType)
    {
        var empty = await Images.Content.WriteBlobAsync(MediaType.OciEmpty, "{}"u8.ToArray());
        var payload = await Images.Content.WriteBlobAsync(new MediaType("application/octet-stream"), Encoding.UTF8.GetBytes(artifactType + Guid.NewGuid()));
        var manifest = OciDocuments.Serialize(new ImageManifest
        {
            MediaType = MediaType.OciManifest,
            ArtifactType = artifactType,
            Config = empty,
            Layers = [payload],
            Subject = subject with { Platform = null },
        });
        return await Images.Content.WriteBlobAsync(MediaType.OciManifest, manifest);
    }
}
