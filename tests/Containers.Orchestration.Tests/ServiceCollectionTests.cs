using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Store;
using Containers.Orchestration.Store.Embedded;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Orchestration.Tests;

public sealed class ServiceCollectionTests
{
    [Test]
    public async Task AddContainerOrchestration_GivesAnEmbeddedStoreOverTheBuiltInKinds()
    {
        await using var provider = new ServiceCollection().AddContainerOrchestration().BuildServiceProvider();

        var store = provider.GetRequiredService<IStateStore>();
        await store.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = "team" } });

        Assert.That(store, Is.InstanceOf<EmbeddedStateStore>());
        Assert.That(store.Registry, Is.SameAs(ResourceRegistry.Default));
        Assert.That((await store.ListAsync(store.Registry.Get<Namespace>(), null)).Items, Has.Count.EqualTo(1));
    }
}
