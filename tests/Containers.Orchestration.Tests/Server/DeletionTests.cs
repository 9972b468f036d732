using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Server;
using Containers.Orchestration.Store;
using Containers.Orchestration.Validation;

namespace Containers.Orchestration.Tests.Server;

/// <summary>Finalizers, graceful deletion and namespace deletion, step by step in virtual time.</summary>
public sealed class DeletionTests : ApiServerTest
{
    [Test]
    public async Task Delete_WithoutFinalizers_RemovesAtOnce()
    {
        var map = await CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "c", Namespace = "default" } });

        var deleted = await Server.DeleteAsync(Admin, TypeOf<ConfigMap>(), map.Key);

        Assert.That(deleted.Metadata.Uid, Is.EqualTo(map.Metadata.Uid));
        Assert.That(await FindAsync<ConfigMap>("default", "c"), Is.Null);
    }

    [Test]
    public async Task Delete_WithFinalizer_WaitsUntilTheLastFinalizerIsRemoved()
    {
        var map = await CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "c", Namespace = "default", Finalizers = ["example.com/a", "example.com/b"] } });

        var marked = await Server.DeleteAsync(Admin, TypeOf<ConfigMap>(), map.Key);
        Assert.That(marked.Metadata.DeletionTimestamp, Is.EqualTo(Time.GetUtcNow()));
        Assert.That(marked.Metadata.DeletionGracePeriodSeconds, Is.EqualTo(0));

        var one = await Server.UpdateAsync(Admin, marked with { Metadata = marked.Metadata with { Finalizers = ["example.com/b"] } });
        Assert.That(await FindAsync<ConfigMap>("default", "c"), Is.Not.Null);

        await Server.UpdateAsync(Admin, one with { Metadata = one.Metadata with { Finalizers = [] } });
        Assert.That(await FindAsync<ConfigMap>("default", "c"), Is.Null);
    }

    [Test]
    public async Task Update_AddingFinalizerWhileDeleting_IsInvalid()
    {
        var map = await CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "c", Namespace = "default", Finalizers = ["example.com/a"] } });
        var marked = await Server.DeleteAsync(Admin, TypeOf<ConfigMap>(), map.Key);

        var error = Assert.ThrowsAsync<InvalidObjectException>(async () =>
            await Server.UpdateAsync(Admin, marked with { Metadata = marked.Metadata with { Finalizers = ["example.com/a", "example.com/late"] } }));

        Assert.That(error!.Message, Does.Contain("metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted"));
    }

    [Test]
    public async Task Delete_ScheduledPod_IsGraceful_AndGoesWhenTheGracePeriodEnds()
    {
        var pod = await CreateAsync(NewPod("web", node: "node-1") with { Spec = NewPod("web", node: "node-1").Spec with { TerminationGracePeriodSeconds = 10 } });

        var marked = await Server.DeleteAsync(Admin, TypeOf<Pod>(), pod.Key);
        Assert.That(marked.Metadata.DeletionTimestamp, Is.EqualTo(Time.GetUtcNow().AddSeconds(10)));
        Assert.That(marked.Metadata.DeletionGracePeriodSeconds, Is.EqualTo(10));

        Time.Advance(TimeSpan.FromSeconds(9));
        await Server.SettleAsync();
        Assert.That(await FindAsync<Pod>("default", "web"), Is.Not.Null, "still in its grace period");

        Time.Advance(TimeSpan.FromSeconds(1));
        await Server.SettleAsync();
        Assert.That(await FindAsync<Pod>("default", "web"), Is.Null);
    }

    [Test]
    public async Task Delete_GracefulPodAgainWithZero_RemovesItNow()
    {
        var pod = await CreateAsync(NewPod("web", node: "node-1"));
        await Server.DeleteAsync(Admin, TypeOf<Pod>(), pod.Key);

        await Server.DeleteAsync(Admin, TypeOf<Pod>(), pod.Key, new DeleteOptions { GracePeriodSeconds = 0 });

        Assert.That(await FindAsync<Pod>("default", "web"), Is.Null);
    }

    [Test]
    public async Task Delete_AgainWithLongerGrace_DoesNotPostponeTheDeletion()
    {
        var pod = await CreateAsync(NewPod("web", node: "node-1"));
        var first = await Server.DeleteAsync(Admin, TypeOf<Pod>(), pod.Key, new DeleteOptions { GracePeriodSeconds = 5 });

        var second = await Server.DeleteAsync(Admin, TypeOf<Pod>(), pod.Key, new DeleteOptions { GracePeriodSeconds = 60 });

        Assert.That(second.Metadata.DeletionTimestamp, Is.EqualTo(first.Metadata.DeletionTimestamp));
    }

    [Test]
    public async Task Delete_UnscheduledPod_IsImmediate()
    {
        var pod = await CreateAsync(NewPod("web"));

        await Server.DeleteAsync(Admin, TypeOf<Pod>(), pod.Key);

        Assert.That(await FindAsync<Pod>("default", "web"), Is.Null);
    }

    [Test]
    public async Task Delete_WithStaleUidPrecondition_IsConflict()
    {
        var pod = await CreateAsync(NewPod("web"));

        var error = Assert.ThrowsAsync<ConflictException>(async () =>
            await Server.DeleteAsync(Admin, TypeOf<Pod>(), pod.Key, new DeleteOptions { Preconditions = new Preconditions(Uid: "other") }));

        Assert.That(error!.Message, Does.Contain("Precondition failed: UID in precondition: other"));
    }

    [Test]
    public void Delete_Missing_IsNotFound()
    {
        var error = Assert.ThrowsAsync<NotFoundException>(async () => await Server.DeleteAsync(Admin, TypeOf<Pod>(), new NamespacedName("default", "ghost")));

        Assert.That(error!.Message, Is.EqualTo("pods \"ghost\" not found"));
    }

    [Test]
    public async Task DeleteNamespace_TerminatesIt_DeletesItsContents_ThenRemovesIt()
    {
        await CreateNamespaceAsync("team");
        await CreateAsync(NewPod("web", "team"));
        await CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "c", Namespace = "team", Finalizers = ["example.com/hold"] } });

        var ns = (Namespace)await Server.DeleteAsync(Admin, TypeOf<Namespace>(), new NamespacedName(null, "team"));
        Assert.That(ns.Status.Phase, Is.EqualTo("Terminating"));
        Assert.That(ns.Spec.Finalizers, Is.EqualTo(new[] { "kubernetes" }));
        var refused = Assert.ThrowsAsync<ForbiddenException>(() => CreateAsync(NewPod("late", "team")));
        Assert.That(refused!.Message, Is.EqualTo("pods \"late\" is forbidden: unable to create new content in namespace team because it is being terminated"));

        await Server.SettleAsync();
        Assert.That(await FindAsync<Pod>("team", "web"), Is.Null);
        Assert.That(await FindAsync<ServiceAccount>("team", "default"), Is.Null);
        var held = await FindAsync<ConfigMap>("team", "c");
        Assert.That(held?.Metadata.DeletionTimestamp, Is.Not.Null, "held by its finalizer");
        Assert.That(await FindAsync<Namespace>(null, "team"), Is.Not.Null, "waits for its last object");

        await Server.UpdateAsync(Admin, held! with { Metadata = held.Metadata with { Finalizers = [] } });
        await Server.SettleAsync();
        Assert.That(await FindAsync<Namespace>(null, "team"), Is.Null);
    }

    [Test]
    public void DeleteNamespace_Default_IsForbidden()
    {
        var error = Assert.ThrowsAsync<ForbiddenException>(async () => await Server.DeleteAsync(Admin, TypeOf<Namespace>(), new NamespacedName(null, "default")));

        Assert.That(error!.Message, Is.EqualTo("namespaces \"default\" is forbidden: this namespace may not be deleted"));
    }

    [Test]
    public async Task Update_Namespace_CannotDropItsFinalizerExceptThroughFinalize()
    {
        var ns = await CreateNamespaceAsync("team");

        var updated = (Namespace)await Server.UpdateAsync(Admin, ns with { Spec = new NamespaceSpec() });
        Assert.That(updated.Spec.Finalizers, Is.EqualTo(new[] { "kubernetes" }));

        var finalized = (Namespace)await Server.UpdateAsync(Admin, ns with { Spec = new NamespaceSpec() }, "finalize");
        Assert.That(finalized.Spec.Finalizers, Is.Empty);
    }
}
