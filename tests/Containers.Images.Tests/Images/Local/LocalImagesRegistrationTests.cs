using Containers.Images.Content;
using Containers.Images.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Containers.Images.Tests.Local;

public sealed class LocalImagesRegistrationTests
{
    [Test]
    public async Task AddContainerEngine_RegistersLocalImagesUnderTheEnginesRoot_WithTheEngineAsItsUsage()
    {
        var root = Directory.CreateTempSubdirectory("local-images-di-").FullName;
        try
        {
            var services = new ServiceCollection()
                .AddContainerEngine(options => options.Root = root)
                .AddContainerRuntime(options => options.StateRoot = Path.Combine(root, "run"));
            await using (var provider = services.BuildServiceProvider())
            {
                var images = provider.GetRequiredService<LocalImages>();

                Assert.Multiple(() =>
                {
                    Assert.That(provider.GetRequiredService<LocalImages>(), Is.SameAs(images));
                    Assert.That(provider.GetRequiredService<IOptions<ContentStoreOptions>>().Value.Root, Is.EqualTo(Path.Combine(root, "content")));
                    Assert.That(images.Content, Is.SameAs(provider.GetRequiredService<IContentStore>()));
                    Assert.That(images.TemporaryDirectory, Is.EqualTo(Path.Combine(root, "tmp")));
                    Assert.That(provider.GetRequiredService<IImageUsage>(), Is.Not.Null, "the engine tells which images its containers use");
                });
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void AddContainerImages_Alone_RegistersLocalImagesWithoutAUsage()
    {
        var root = Path.Combine(Path.GetTempPath(), $"local-images-di-{Guid.NewGuid():N}");
        using var provider = new ServiceCollection().AddContainerImages(options => options.Root = Path.Combine(root, "content")).BuildServiceProvider();

        var images = provider.GetRequiredService<LocalImages>();

        Assert.Multiple(() =>
        {
            Assert.That(images.TemporaryDirectory, Is.EqualTo(Path.Combine(root, "tmp")));
            Assert.That(provider.GetService<IImageUsage>(), Is.Null);
        });
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
