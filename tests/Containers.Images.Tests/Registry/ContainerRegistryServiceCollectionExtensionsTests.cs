using Containers.Images.Content;
using Containers.Images.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Images.Tests.Registry;

public sealed class ContainerRegistryServiceCollectionExtensionsTests
{
    [Test]
    public async Task AddContainerRegistry_ResolvesOneClientWithTheOptionsAndTheKeyedAuthenticationHandler()
    {
        var root = Directory.CreateTempSubdirectory("registry-di-").FullName;
        try
        {
            await using var registry = new FakeRegistry();
            var image = registry.AddImage("app", "v1", 10);
            var handlers = 0;
            var services = new ServiceCollection();
            services.AddContainerImages(o => o.Root = Path.Combine(root, "content"));
            services.AddContainerRegistry(o => o.MaxParallelDownloads = 7);
            services.AddKeyedTransient<DelegatingHandler>(ContainerRegistryServiceCollectionExtensions.AuthenticationHandlerKey, (_, _) =>
            {
                handlers++;
                return new RegistryClientTest.PassThroughAuthHandler();
            });
            await using var provider = services.BuildServiceProvider();

            var client = provider.GetRequiredService<RegistryClient>();
            var result = await client.PullAsync(provider.GetRequiredService<LocalImages>(), registry.Reference("app:v1"));

            Assert.Multiple(() =>
            {
                Assert.That(provider.GetRequiredService<RegistryClient>(), Is.SameAs(client));
                Assert.That(client.Options.MaxParallelDownloads, Is.EqualTo(7));
                Assert.That(handlers, Is.EqualTo(1), "the authentication handler is in the client's chain");
                Assert.That(result.Target.Digest, Is.EqualTo(image.Manifest.Digest));
                Assert.That(provider.GetRequiredService<IContentStore>(), Is.SameAs(provider.GetRequiredService<LocalImages>().Content));
            });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
