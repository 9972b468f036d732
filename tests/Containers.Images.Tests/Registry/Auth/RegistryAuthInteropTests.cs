using System.Net;
using Containers.Images.Content;
using Containers.Images.Registry;
using Containers.Images.Registry.Auth;
using Containers.Testing;

namespace Containers.Images.Tests.Registry.Auth;

/// <summary>
/// The handler against the reference registry (<c>docker-registry</c>) on 127.0.0.1: with an
/// htpasswd file (Basic), and with token authentication and a token server in the test (Bearer):
/// an image is pushed and pulled back with credentials, and wrong ones fail clearly.
/// </summary>
public sealed class RegistryAuthInteropTests
{
    private static readonly RegistryCredential Alice = RegistryCredential.FromPassword("alice", "s3cret");

    private string _root = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("registry-auth-interop-").FullName;
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task Htpasswd_PushAndPullWithCredentials()
    {
        await using var registry = await RegistryServer.StartOrIgnoreAsync(RegistryServer.HtpasswdAuth(_root, ("alice", "s3cret")));

        await PushThenPullAsync(registry, Alice);
    }

    [Test]
    public async Task Htpasswd_WrongPassword_FailsNamingTheUser_AndPushesNothing()
    {
        await using var registry = await RegistryServer.StartOrIgnoreAsync(RegistryServer.HtpasswdAuth(_root, ("alice", "s3cret")));
        var (content, image) = await StoreImageAsync();
        using var client = Client(registry, RegistryCredential.FromPassword("alice", "wrong"));

        var e = Assert.ThrowsAsync<RegistryException>(() => client.PushAsync(content, image.Manifest, Reference(registry)));

        Assert.That(e!.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(e.Message, Does.Contain($"registry {registry.Authority} refused the credentials of \"alice\""));
        Assert.That(Directory.Exists(Path.Combine(registry.StorageDirectory, "docker", "registry", "v2", "repositories", "team")), Is.False);
    }

    [Test]
    public async Task Token_PushAndPullWithCredentials()
    {
        await using var tokens = new TestTokenServer().WithUser("alice", "s3cret", "pull", "push");
        await using var registry = await RegistryServer.StartOrIgnoreAsync(tokens.RegistryAuth(_root));

        await PushThenPullAsync(registry, Alice);

        var asked = tokens.Requests.ToArray();
        Assert.That(asked.Select(r => r.Header("Authorization")), Is.All.StartWith("Basic "), "the registry's credentials go to its realm");
        Assert.That(asked.SelectMany(r => r.QueryValues("scope")), Does.Contain("repository:team/app:pull,push"));
        Assert.That(asked.Select(r => r.QueryValue("service")), Is.All.EqualTo(TestTokenServer.Service));
    }

    [Test]
    public async Task Token_WrongPassword_FailsAtTheTokenServer()
    {
        await using var tokens = new TestTokenServer().WithUser("alice", "s3cret", "pull", "push");
        await using var registry = await RegistryServer.StartOrIgnoreAsync(tokens.RegistryAuth(_root));
        var (content, image) = await StoreImageAsync();
        using var client = Client(registry, RegistryCredential.FromPassword("alice", "wrong"));

        var e = Assert.ThrowsAsync<RegistryException>(() => client.PushAsync(content, image.Manifest, Reference(registry)));

        Assert.That(e!.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(e.Message, Does.Contain($"token server {tokens.Realm} of registry {registry.Authority} refused the credentials of \"alice\""));
    }

    [Test]
    public async Task Token_WithoutCredentials_FailsSayingToLogIn()
    {
        await using var tokens = new TestTokenServer().WithUser("alice", "s3cret", "pull", "push");
        await using var registry = await RegistryServer.StartOrIgnoreAsync(tokens.RegistryAuth(_root));
        using var client = Client(registry, null);

        var e = Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(Reference(registry)));

        Assert.That(e!.Message, Does.Contain("refused anonymous access").And.Contain($"containers login {registry.Authority}"));
    }

    [Test]
    public async Task Token_UserWhoMayOnlyPull_CannotPush()
    {
        await using var tokens = new TestTokenServer().WithUser("alice", "s3cret", "pull", "push").WithUser("bob", "b0b", "pull");
        await using var registry = await RegistryServer.StartOrIgnoreAsync(tokens.RegistryAuth(_root));
        var (content, image) = await StoreImageAsync();
        using (var alice = Client(registry, Alice))
        {
            await alice.PushAsync(content, image.Manifest, Reference(registry));
        }

        using var bob = Client(registry, RegistryCredential.FromPassword("bob", "b0b"));
        var pulled = await bob.GetManifestAsync(Reference(registry));
        var e = Assert.ThrowsAsync<RegistryException>(() => bob.PushAsync(content, image.Manifest, Reference(registry, "team/other:v1")));

        Assert.That(pulled.Descriptor.Digest, Is.EqualTo(image.Manifest.Digest));
        Assert.That(e!.Message, Does.Contain("refused the token issued to \"bob\"").And.Contain("repository:team/other:pull,push"));
    }

    /// <summary>Pushes an image with <paramref name="credential"/>, pulls it into a clean store, and compares digests.</summary>
    private async Task PushThenPullAsync(RegistryServer registry, RegistryCredential credential)
    {
        var (content, image) = await StoreImageAsync();
        using var client = Client(registry, credential);

        var pushed = await client.PushAsync(content, image.Manifest, Reference(registry));
        var pulled = await client.PullAsync(new LocalImages(Path.Combine(_root, "pulled")), Reference(registry));

        Assert.That(pushed.Target.Digest, Is.EqualTo(image.Manifest.Digest));
        Assert.That(pulled.Target.Digest, Is.EqualTo(image.Manifest.Digest));
        Assert.That(pulled.BlobsDownloaded, Is.EqualTo(image.Layers.Count + 1));
    }

    private async Task<(IContentStore Content, TestRegistryImage Image)> StoreImageAsync()
    {
        var image = TestRegistryImage.Create(1000, 50_000);
        var content = new LocalImages(Path.Combine(_root, "source")).Content;
        foreach (var (descriptor, bytes) in image.Blobs)
        {
            await content.WriteBlobAsync(descriptor.MediaType, bytes);
        }

        await content.WriteBlobAsync(image.Manifest.MediaType, image.ManifestBytes);
        return (content, image);
    }

    private static RegistryClient Client(RegistryServer registry, RegistryCredential? credential)
    {
        var credentials = credential is null ? StaticCredentialProvider.Anonymous : new StaticCredentialProvider(registry.Authority, credential);
        return new RegistryClient(new RegistryOptions { RetryCount = 0 }, new RegistryAuthHandler(credentials));
    }

    private static ImageReference Reference(RegistryServer registry, string repository = "team/app:v1") =>
        ImageReference.Parse($"{registry.Authority}/{repository}");
}
