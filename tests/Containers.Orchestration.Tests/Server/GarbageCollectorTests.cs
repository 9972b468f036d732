using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Server;

namespace Containers.Orchestration.Tests.Server;

/// <summary>Cascading deletion by ownerReferences: background, foreground and orphan, as Kubernetes documents them.</summary>
public sealed class GarbageCollectorTests : ApiServerTest
{
    [Test]
    public async Task Background_OwnerGoesAtOnce_DependentsAfter()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));
        await CreateAsync(OwnedPod("web-1", rs));
        await CreateAsync(OwnedPod("web-2", rs));

        await Server.DeleteAsync(Admin, TypeOf<ReplicaSet>(), rs.Key, new DeleteOptions { PropagationPolicy = PropagationPolicy.Background });
        Assert.That(await FindAsync<ReplicaSet>("default", "web"), Is.Null);
        Assert.That(await FindAsync<Pod>("default", "web-1"), Is.Not.Null, "the collector has not run yet");

        await Server.SettleAsync();
        Assert.That(await FindAsync<Pod>("default", "web-1"), Is.Null);
        Assert.That(await FindAsync<Pod>("default", "web-2"), Is.Null);
    }

    [Test]
    public async Task Background_IsTheDefault()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));
        await CreateAsync(OwnedPod("web-1", rs));

        await Server.DeleteAsync(Admin, TypeOf<ReplicaSet>(), rs.Key);
        await Server.SettleAsync();

        Assert.That(await FindAsync<Pod>("default", "web-1"), Is.Null);
    }

    [Test]
    public async Task Foreground_OwnerWaitsForBlockingDependents()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));
        var held = await CreateAsync(OwnedPod("web-1", rs) with
        {
            Metadata = OwnedPod("web-1", rs).Metadata with { Finalizers = ["example.com/drain"] },
        });

        var marked = await Server.DeleteAsync(Admin, TypeOf<ReplicaSet>(), rs.Key, new DeleteOptions { PropagationPolicy = PropagationPolicy.Foreground });
        Assert.That(marked.Metadata.DeletionTimestamp, Is.Not.Null);
        Assert.That(marked.Metadata.Finalizers, Is.EqualTo(new[] { "foregroundDeletion" }));

        await Server.SettleAsync();
        var pod = await FindAsync<Pod>("default", "web-1");
        Assert.That(pod?.Metadata.DeletionTimestamp, Is.Not.Null, "the dependent is being deleted");
        Assert.That(await FindAsync<ReplicaSet>("default", "web"), Is.Not.Null, "the owner waits for it");

        await Server.UpdateAsync(Admin, pod! with { Metadata = pod.Metadata with { Finalizers = [] } });
        await Server.SettleAsync();
        Assert.That(await FindAsync<ReplicaSet>("default", "web"), Is.Null);
        Assert.That(held.Metadata.Uid, Is.Not.Null);
    }

    [Test]
    public async Task Foreground_NonBlockingDependentDoesNotHoldTheOwner()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));
        await CreateAsync(OwnedPod("web-1", rs, block: false) with
        {
            Metadata = OwnedPod("web-1", rs, block: false).Metadata with { Finalizers = ["example.com/drain"] },
        });

        await Server.DeleteAsync(Admin, TypeOf<ReplicaSet>(), rs.Key, new DeleteOptions { PropagationPolicy = PropagationPolicy.Foreground });
        await Server.SettleAsync();

        Assert.That(await FindAsync<ReplicaSet>("default", "web"), Is.Null);
        Assert.That((await FindAsync<Pod>("default", "web-1"))?.Metadata.DeletionTimestamp, Is.Not.Null);
    }

    [Test]
    public async Task Orphan_DependentsStayWithoutTheReference()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));
        await CreateAsync(OwnedPod("web-1", rs));

        var marked = await Server.DeleteAsync(Admin, TypeOf<ReplicaSet>(), rs.Key, new DeleteOptions { PropagationPolicy = PropagationPolicy.Orphan });
        Assert.That(marked.Metadata.Finalizers, Is.EqualTo(new[] { "orphan" }));

        await Server.SettleAsync();
        var pod = await FindAsync<Pod>("default", "web-1");
        Assert.That(pod, Is.Not.Null);
        Assert.That(pod!.Metadata.OwnerReferences, Is.Empty);
        Assert.That(pod.Metadata.DeletionTimestamp, Is.Null);
        Assert.That(await FindAsync<ReplicaSet>("default", "web"), Is.Null);
    }

    [Test]
    public async Task Cascade_FollowsChains()
    {
        var deployment = await CreateAsync(new Deployment
        {
            Metadata = new ObjectMeta { Name = "web", Namespace = "default" },
            Spec = new DeploymentSpec { Selector = NewReplicaSet("web").Spec.Selector, Template = NewReplicaSet("web").Spec.Template },
        });
        var rs = await CreateAsync(NewReplicaSet("web-5d8f") with
        {
            Metadata = NewReplicaSet("web-5d8f").Metadata with { OwnerReferences = [OwnerReference.ControllerOf(deployment)] },
        });
        await CreateAsync(OwnedPod("web-5d8f-x", rs));

        await Server.DeleteAsync(Admin, TypeOf<Deployment>(), deployment.Key, new DeleteOptions { PropagationPolicy = PropagationPolicy.Foreground });
        await Server.SettleAsync();

        Assert.That(await FindAsync<Pod>("default", "web-5d8f-x"), Is.Null);
        Assert.That(await FindAsync<ReplicaSet>("default", "web-5d8f"), Is.Null);
        Assert.That(await FindAsync<Deployment>("default", "web"), Is.Null);
    }

    [Test]
    public async Task DanglingOwner_DependentIsCollected()
    {
        var pod = NewPod("stray") with
        {
            Metadata = NewPod("stray").Metadata with
            {
                OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "gone", Uid = "0000-gone", Controller = true }],
            },
        };
        await CreateAsync(pod);

        await Server.SettleAsync();

        Assert.That(await FindAsync<Pod>("default", "stray"), Is.Null);
    }

    [Test]
    public async Task OwnerOfSameNameButOtherUid_CountsAsGone()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));
        await CreateAsync(OwnedPod("web-1", rs));
        await Store.DeleteAsync(TypeOf<ReplicaSet>(), rs.Key);
        await CreateAsync(NewReplicaSet("web"));

        await Server.SettleAsync();

        Assert.That(await FindAsync<Pod>("default", "web-1"), Is.Null);
    }

    [Test]
    public async Task DependentWithAnotherLiveOwner_OnlyLosesTheReference()
    {
        var a = await CreateAsync(NewReplicaSet("a"));
        var b = await CreateAsync(NewReplicaSet("b"));
        await CreateAsync(NewPod("shared") with
        {
            Metadata = NewPod("shared").Metadata with { OwnerReferences = [OwnerReference.ControllerOf(a), OwnerReference.ControllerOf(b) with { Controller = false }] },
        });

        await Server.DeleteAsync(Admin, TypeOf<ReplicaSet>(), a.Key);
        await Server.SettleAsync();

        var pod = await FindAsync<Pod>("default", "shared");
        Assert.That(pod, Is.Not.Null);
        Assert.That(pod!.Metadata.OwnerReferences.Select(r => r.Name), Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public async Task BackgroundLoop_CollectsWithoutSettle()
    {
        await using var server = new ApiServer(Store, new ApiServerOptions { Bootstrap = false }, Time);
        await server.StartAsync();
        var rs = (ReplicaSet)await server.CreateAsync(Admin, NewReplicaSet("loop"));
        await server.CreateAsync(Admin, OwnedPod("loop-1", rs));

        await server.DeleteAsync(Admin, TypeOf<ReplicaSet>(), rs.Key);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await FindAsync<Pod>("default", "loop-1") is not null)
        {
            await Task.Delay(10, timeout.Token);
        }

        Assert.That(await FindAsync<Pod>("default", "loop-1"), Is.Null);
    }
}
