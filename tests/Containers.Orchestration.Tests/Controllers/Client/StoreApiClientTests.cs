using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Store.Embedded;
using Containers.Orchestration.Tests.Controllers.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Containers.Orchestration.Tests.Controllers.Client;

public sealed class StoreApiClientTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private EmbeddedStateStore _store = null!;
    private StoreApiClient _client = null!;

    [SetUp]
    public void SetUp()
    {
        _store = EmbeddedStateStore.CreateInMemory(timeProvider: _time);
        _client = new StoreApiClient(_store, _time, [o => o is Pod p ? p with { Metadata = p.Metadata with { Annotations = new Dictionary<string, string> { ["admitted"] = "yes" } } } : o]);
    }

    [TearDown]
    public async Task TearDown() => await _store.DisposeAsync();

    [Test]
    public async Task Create_NamesFromGenerateName_StampsGenerationAndTime_AndRunsAdmission()
    {
        var pod = TestObjects.Pod("x") with { Metadata = new ObjectMeta { GenerateName = "web-", Namespace = "default" } };
        var created = await _client.CreateAsync(pod);

        Assert.That(created.Name, Does.Match("^web-[bcdfghjklmnpqrstvwxz2456789]{5}$"));
        Assert.That(created.Metadata.Generation, Is.EqualTo(1));
        Assert.That(created.Metadata.CreationTimestamp, Is.EqualTo(_time.GetUtcNow()));
        Assert.That(created.Metadata.Annotations["admitted"], Is.EqualTo("yes"));
        Assert.That(created, Is.TypeOf<Pod>());
    }

    [Test]
    public async Task Update_BumpsGenerationOnlyForSpecChanges_AndKeepsStatus()
    {
        var pod = await _client.CreateAsync(TestObjects.Pod("p"));
        pod = await _client.UpdateStatusAsync(pod with { Status = pod.Status with { Phase = PodPhase.Running } });

        var relabeled = await _client.UpdateAsync(pod with { Metadata = pod.Metadata with { Labels = TestObjects.Labels("a=b") }, Status = new PodStatus() });
        Assert.That(relabeled.Metadata.Generation, Is.EqualTo(1), "metadata is not spec");
        Assert.That(relabeled.Status.Phase, Is.EqualTo(PodPhase.Running), "an update does not write status");

        var respecced = await _client.UpdateAsync(relabeled with { Spec = relabeled.Spec with { ActiveDeadlineSeconds = 30 } });
        Assert.That(respecced.Metadata.Generation, Is.EqualTo(2));

        var statusOnly = await _client.UpdateStatusAsync(respecced with { Spec = respecced.Spec with { ActiveDeadlineSeconds = 99 }, Status = respecced.Status with { Phase = PodPhase.Failed } });
        Assert.That(statusOnly.Spec.ActiveDeadlineSeconds, Is.EqualTo(30), "a status update does not write spec");
        Assert.That(statusOnly.Status.Phase, Is.EqualTo(PodPhase.Failed));
        Assert.That(async () => await _client.UpdateAsync(respecced), Throws.InstanceOf<ConflictException>(), "a stale resourceVersion is a conflict");
    }

    [Test]
    public async Task Delete_OfAPodOnANode_IsGraceful_AndZeroGraceFinishesIt()
    {
        var pod = await _client.CreateAsync(TestObjects.Pod("p", node: "n1"));
        await _client.DeleteAsync<Pod>(pod.Key);

        var terminating = (await _client.GetAsync<Pod>(pod.Key))!;
        Assert.That(terminating.Metadata.DeletionTimestamp, Is.EqualTo(_time.GetUtcNow().AddSeconds(30)));
        Assert.That(terminating.Metadata.DeletionGracePeriodSeconds, Is.EqualTo(30));

        await _client.DeleteAsync<Pod>(pod.Key, DeleteOptions.Now);
        Assert.That(await _client.GetAsync<Pod>(pod.Key), Is.Null);
    }

    [Test]
    public async Task Delete_OfAnUnboundPod_IsImmediate_AndAWrongUidIsAConflict()
    {
        var pod = await _client.CreateAsync(TestObjects.Pod("p"));
        Assert.That(
            async () => await _client.DeleteAsync<Pod>(pod.Key, new DeleteOptions { Preconditions = new Containers.Orchestration.Store.Preconditions("other") }),
            Throws.InstanceOf<ConflictException>());
        await _client.DeleteAsync<Pod>(pod.Key);
        Assert.That(await _client.GetAsync<Pod>(pod.Key), Is.Null);
        Assert.That(async () => await _client.DeleteAsync<Pod>(pod.Key), Throws.InstanceOf<NotFoundException>());
    }

    [Test]
    public async Task Finalizers_HoldADeletionUntilTheLastIsRemoved()
    {
        var map = await _client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "c", Namespace = "default", Finalizers = ["example.com/hold"] } });
        await _client.DeleteAsync<ConfigMap>(map.Key);
        var held = (await _client.GetAsync<ConfigMap>(map.Key))!;
        Assert.That(held.Metadata.DeletionTimestamp, Is.Not.Null);

        await _client.UpdateAsync(held with { Metadata = held.Metadata with { Finalizers = [] } });
        Assert.That(await _client.GetAsync<ConfigMap>(map.Key), Is.Null);
    }

    [Test]
    public async Task Bind_SetsTheNodeAndPodScheduled_Once()
    {
        var pod = await _client.CreateAsync(TestObjects.Pod("p"));
        await _client.BindAsync(pod.Key, pod.Metadata.Uid!, "n1");

        var bound = (await _client.GetAsync<Pod>(pod.Key))!;
        Assert.That(bound.Spec.NodeName, Is.EqualTo("n1"));
        Assert.That(Conditions.IsTrue(bound.Status.Conditions, PodConditionType.PodScheduled), Is.True);
        Assert.That(async () => await _client.BindAsync(pod.Key, pod.Metadata.Uid!, "n2"), Throws.InstanceOf<ConflictException>().With.Message.Contains("already assigned to node \"n1\""));
    }

    [Test]
    public async Task UpdateStatusRetrying_ReappliesTheChangeToAFreshCopyOnConflict()
    {
        var pod = await _client.CreateAsync(TestObjects.Pod("p"));
        await _client.UpdateAsync(pod with { Metadata = pod.Metadata with { Labels = TestObjects.Labels("moved=on") } });

        var updated = await _client.UpdateStatusRetryingAsync(pod, p => p with { Status = p.Status with { Phase = PodPhase.Running } });
        Assert.That(updated!.Status.Phase, Is.EqualTo(PodPhase.Running));
        Assert.That(updated.Metadata.Labels["moved"], Is.EqualTo("on"), "the change went onto the fresh copy");
    }
}
