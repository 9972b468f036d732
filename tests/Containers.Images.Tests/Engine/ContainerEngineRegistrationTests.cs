using Containers.Images.Engine;
using Containers.Images.Snapshots;
using Containers.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Containers.Images.Tests.Engine;

public sealed class ContainerEngineRegistrationTests
{
    [Test]
    public async Task AddContainerEngine_RegistersOneEngineWithItsSnapshotsUnderTheEnginesRoot()
    {
        var root = Directory.CreateTempSubdirectory("engine-di-").FullName;
        try
        {
            var services = new ServiceCollection()
                .AddContainerEngine(options => options.Root = root)
                .AddContainerRuntime(options => options.StateRoot = Path.Combine(root, "run"));
            await using (var provider = services.BuildServiceProvider())
            {
                var engine = provider.GetRequiredService<ContainerEngine>();

                Assert.Multiple(async () =>
                {
                    Assert.That(provider.GetRequiredService<ContainerEngine>(), Is.SameAs(engine));
                    Assert.That(provider.GetRequiredService<IOptions<SnapshotterOptions>>().Value.Root, Is.EqualTo(Path.Combine(root, "snapshots")));
                    Assert.That(provider.GetRequiredService<IContainerRuntime>().Name, Is.EqualTo("builtin"));
                    Assert.That(await engine.ListAsync(), Is.Empty);
                    Assert.That(Directory.Exists(Path.Combine(root, "containers")), Is.True);
                });
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public async Task AddContainers_PutsTheEngineAndTheImagesUnderTheRootItIsGiven()
    {
        var root = Directory.CreateTempSubdirectory("engine-di-").FullName;
        try
        {
            await using (var provider = new ServiceCollection().AddContainers(options => options.Root = root).BuildServiceProvider())
            {
                var engine = provider.GetRequiredService<ContainerEngine>();
                var images = provider.GetRequiredService<LocalImages>();
                var builder = provider.GetRequiredService<Containers.Images.Build.DockerfileBuilder>();

                Assert.Multiple(async () =>
                {
                    Assert.That(await engine.ListAsync(), Is.Empty);
                    Assert.That(await images.ListAsync(), Is.Empty);
                    Assert.That(provider.GetRequiredService<Containers.Images.Build.DockerfileBuilder>(), Is.SameAs(builder));
                    Assert.That(provider.GetRequiredService<IOptions<Containers.Images.Content.ContentStoreOptions>>().Value.Root, Is.EqualTo(Path.Combine(root, "content")));
                    Assert.That(provider.GetRequiredService<IOptions<SnapshotterOptions>>().Value.Root, Is.EqualTo(Path.Combine(root, "snapshots")));
                });
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
