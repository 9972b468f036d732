using Containers.Errors;
using Containers.Images.Registry;

namespace Containers.Images.Tests.Registry;

public sealed class RegistryRedirectTests : RegistryClientTest
{
    [Test]
    public async Task Pull_BlobRedirectedToStorage_IsFetchedThereMarkedForTheRegistryItself()
    {
        await using var storage = new FakeRegistry();
        var image = Registry.AddImage("app", "v1", 5000);
        var layer = image.Layers[0];
        storage.AddBlob("app", layer.Bytes);
        Registry.Intercept = r => r.Path.EndsWith($"/blobs/{layer.Descriptor.Digest}", StringComparison.Ordinal)
            ? new FakeResponse(307).With("Location", $"http://{storage.Authority}/v2/app/blobs/{layer.Descriptor.Digest}?signature=secret")
            : null;
        var marked = new List<(string Host, string? Registry)>();
        var options = FastOptions();
        UseClient(new RegistryClient(RegistryClient.CreateHandler(options, new RegistryRecorder(marked)), options));

        await Client.PullAsync(Images, Registry.Reference("app:v1"));

        Assert.Multiple(() =>
        {
            Assert.That(storage.Requests.Select(r => r.Path), Does.Contain($"/v2/app/blobs/{layer.Descriptor.Digest}"));
            Assert.That(marked.Where(m => m.Host == storage.Authority).Select(m => m.Registry), Is.Not.Empty.And.All.EqualTo(Registry.Authority),
                "the storage hop still names the registry, so the authentication handler keeps its credentials from it");
        });
    }

    [Test]
    public async Task Pull_EndlessRedirects_StopAfterTen()
    {
        var image = Registry.AddImage("app", "v1", 10);
        var layer = image.Layers[0];
        Registry.Intercept = r => r.Path.Contains("/blobs/", StringComparison.Ordinal)
            ? new FakeResponse(302).With("Location", $"{r.Path}x")
            : null;

        var error = Assert.ThrowsAsync<InvalidArgumentException>(() => Client.PullAsync(Images, Registry.Reference("app:v1")));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("more than 10 times"));
            Assert.That(Registry.Requests.Count(r => r.Path.Contains($"/blobs/{layer.Descriptor.Digest}", StringComparison.Ordinal)), Is.LessThanOrEqualTo(RegistryClient.MaxRedirects + 1));
        });
        await AssertNothingPartialAsync(layer.Descriptor.Digest);
    }

    private sealed class RegistryRecorder(List<(string Host, string? Registry)> marked) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Options.TryGetValue(RegistryRequestOptions.Registry, out var registry);
            lock (marked)
            {
                marked.Add((request.RequestUri!.Authority, registry));
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
