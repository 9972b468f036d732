using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Batch;
using Containers.Orchestration.Controllers.Workloads;
using Containers.Orchestration.Tests.Controllers.Testing;

namespace Containers.Orchestration.Tests.Controllers.Batch;

/// <summary>Jobs end to end in virtual time: the scheduler places their pods and a node agent runs them on a fake runtime.</summary>
public sealed class JobOnNodesTests
{
    [Test]
    public async Task JobPodsRunOnANode_AFailedOneIsReplacedAfterTheBackoff_AndTheJobCompletes()
    {
        await using var cluster = await VirtualCluster.StartAsync(m => m.AddBuiltInControllers());
        await cluster.AddNodeAsync("worker");
        await cluster.Client.CreateAsync(BatchObjects.Job("etl", backoffLimit: 2));
        await cluster.SettleAsync();
        var first = (await cluster.ListAsync<Pod>()).Single();
        Assert.That(first.Spec.NodeName, Is.EqualTo("worker"));
        Assert.That(first.Status.Phase, Is.EqualTo(PodPhase.Running));

        Assert.That(cluster.Runtime("worker").ExitContainer(first.Key, "work", 1), Is.True);
        await cluster.SettleAsync();
        Assert.That((await cluster.GetAsync<Pod>("default", first.Name))!.Status.Phase, Is.EqualTo(PodPhase.Failed), "restartPolicy Never: the kubelet leaves it failed");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(9));
        Assert.That(await cluster.ListAsync<Pod>(), Has.Count.EqualTo(1), "the replacement waits out the 10 s backoff");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        var second = (await cluster.ListAsync<Pod>()).Single(PodStates.IsActive);
        Assert.That(second.Status.Phase, Is.EqualTo(PodPhase.Running));

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5));
        cluster.Runtime("worker").ExitContainer(second.Key, "work", 0);
        await cluster.SettleAsync();
        var job = (await cluster.GetAsync<Job>("default", "etl"))!;
        Assert.Multiple(() =>
        {
            Assert.That(JobState.IsComplete(job), Is.True);
            Assert.That(job.Status.Succeeded, Is.EqualTo(1));
            Assert.That(job.Status.Failed, Is.EqualTo(1));
            Assert.That(job.Status.CompletionTime, Is.EqualTo(VirtualCluster.Epoch.AddSeconds(15)));
        });
    }

    [Test]
    public async Task RestartPolicyOnFailure_TheKubeletRestartsTheContainer_UntilTheRestartsReachBackoffLimit()
    {
        await using var cluster = await VirtualCluster.StartAsync(m => m.AddBuiltInControllers());
        await cluster.AddNodeAsync("worker");
        await cluster.Client.CreateAsync(BatchObjects.Job("crashy", backoffLimit: 2, restartPolicy: RestartPolicy.OnFailure));
        await cluster.SettleAsync();
        var pod = (await cluster.ListAsync<Pod>()).Single();

        cluster.Runtime("worker").ExitContainer(pod.Key, "work", 1);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5));
        pod = (await cluster.GetAsync<Pod>("default", pod.Name))!;
        Assert.That(pod.Status.ContainerStatuses.Single().RestartCount, Is.EqualTo(1), "the kubelet restarted it in place");
        Assert.That(JobState.IsFinished((await cluster.GetAsync<Job>("default", "crashy"))!), Is.False, "one restart is within backoffLimit 2");

        cluster.Runtime("worker").ExitContainer(pod.Key, "work", 1);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5));
        var job = (await cluster.GetAsync<Job>("default", "crashy"))!;
        Assert.That(Conditions.Find(job.Status.Conditions, JobConditionType.Failed)?.Reason, Is.EqualTo(JobConditionReason.BackoffLimitExceeded));
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(5));
        Assert.That(await cluster.ListAsync<Pod>(), Is.Empty, "the restarting pod is stopped and deleted");
    }
}
