using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Leader;
using Containers.Orchestration.Server;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Store.Embedded;

namespace Containers.Orchestration.Tests.Server;

/// <summary>
/// API servers sharing a store with a leader elector: only the leader's garbage collector and
/// namespace controller run, and another takes over when it steps down.
/// </summary>
public sealed class BuiltInControllersLeaderTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Test]
    public async Task ANonLeader_CollectsNoGarbage_UntilItLeads()
    {
        await using var store = EmbeddedStateStore.CreateInMemory();
        var elector = new InProcessLeaderElector();

        // Another server's controllers lead first.
        var other = await elector.AcquireAsync(ApiServer.ControllersLeaderElectionName, CancellationToken.None);
        await using var server = new ApiServer(store, new ApiServerOptions { LeaderElector = elector });
        await server.StartAsync();
        var configMaps = server.Registry.Get<ConfigMap>();
        var owner = (ConfigMap)await server.CreateAsync(UserInfo.SystemAdmin, new ConfigMap { Metadata = new ObjectMeta { Name = "owner", Namespace = "default" } });
        var reference = new OwnerReference { ApiVersion = "v1", Kind = ConfigMap.KindName, Name = owner.Name, Uid = owner.Metadata.Uid! };
        await server.CreateAsync(UserInfo.SystemAdmin, new ConfigMap { Metadata = new ObjectMeta { Name = "dependent", Namespace = "default", OwnerReferences = [reference] } });

        // A delete wakes a leader's collector at once; this server's must stay asleep.
        await server.DeleteAsync(UserInfo.SystemAdmin, configMaps, owner.Key, new DeleteOptions { PropagationPolicy = PropagationPolicy.Background });
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.That(await store.GetAsync(configMaps, new NamespacedName("default", "dependent")), Is.Not.Null, "the collector of a server that does not lead ran");

        await other.DisposeAsync();
        var deadline = DateTime.UtcNow + Patience;
        while (await store.GetAsync(configMaps, new NamespacedName("default", "dependent")) is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.That(await store.GetAsync(configMaps, new NamespacedName("default", "dependent")), Is.Null, "once it leads, its collector removes the orphaned dependent");
        Assert.That(elector.LeaderOf(ApiServer.ControllersLeaderElectionName), Is.Not.Null);
    }

    [Test]
    public async Task TheControlPlane_ElectsItsApiServersControllersWithItsOwnElector()
    {
        await using var store = EmbeddedStateStore.CreateInMemory();
        var elector = new InProcessLeaderElector();
        var options = new ControlPlaneOptions { LeaderElector = elector };

        await using var plane = await ControlPlane.StartAsync(store, options);
        var deadline = DateTime.UtcNow + Patience;
        while (elector.LeaderOf(ApiServer.ControllersLeaderElectionName) is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.That(options.Server.LeaderElector, Is.SameAs(elector));
        Assert.That(elector.LeaderOf(ApiServer.ControllersLeaderElectionName), Is.Not.Null, "the API server's controllers campaign under the control plane's elector");
    }
}
