using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Batch;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Workloads;
using Containers.Orchestration.Tests.Controllers.Testing;

namespace Containers.Orchestration.Tests.Controllers.Batch;

/// <summary>
/// The Job controller in virtual time. No kubelet runs here: the tests report pod phases as a
/// kubelet would, through the API.
/// </summary>
public sealed class JobControllerTests
{
    [Test]
    public async Task Job_RunsParallelPodsUntilCompletionsSucceed_ThenCompletes()
    {
        await using var host = await ControllerTestHost.StartAsync(h => h.Manager.AddBatchControllers());
        var job = await host.Client.CreateAsync(BatchObjects.Job("pi", completions: 3, parallelism: 2));

        await Eventually.Until(() => Pods(host).Count == 2, "two pods, as parallelism asks");
        await host.SettleAsync();
        var pods = Pods(host);
        Assert.Multiple(() =>
        {
            foreach (var pod in pods)
            {
                Assert.That(pod.Metadata.GenerateName, Is.EqualTo("pi-"));
                Assert.That(pod.Metadata.ControllerReference?.Uid, Is.EqualTo(job.Metadata.Uid));
                Assert.That(pod.Metadata.ControllerReference?.Kind, Is.EqualTo("Job"));
                Assert.That(pod.Metadata.Labels[BatchLabels.JobName], Is.EqualTo("pi"));
                Assert.That(pod.Metadata.Labels[BatchLabels.ControllerUid], Is.EqualTo(job.Metadata.Uid));
                Assert.That(pod.Metadata.Labels["app"], Is.EqualTo("batch"));
            }
        });
        var running = await host.GetAsync<Job>("pi");
        Assert.That(running.Status.Active, Is.EqualTo(2));
        Assert.That(running.Status.StartTime, Is.EqualTo(ControllerTestHost.DefaultStart));

        await Succeed(host, pods[0]);
        await Eventually.Until(() => Pods(host).Count == 3, "a third pod for the last completion");
        await host.SettleAsync();
        Assert.That(Pods(host).Count(PodStates.IsActive), Is.EqualTo(2));

        await host.AdvanceAsync(TimeSpan.FromSeconds(42));
        foreach (var pod in Pods(host).Where(PodStates.IsActive))
        {
            await Succeed(host, pod);
        }

        await Eventually.Until(() => JobState.IsComplete(Get(host, "pi")), "the job to complete");
        var done = Get(host, "pi");
        Assert.Multiple(() =>
        {
            Assert.That(done.Status.Succeeded, Is.EqualTo(3));
            Assert.That(done.Status.Active, Is.Null);
            Assert.That(done.Status.CompletionTime, Is.EqualTo(ControllerTestHost.DefaultStart.AddSeconds(42)));
            Assert.That(Conditions.Find(done.Status.Conditions, JobConditionType.SuccessCriteriaMet)?.Reason, Is.EqualTo(JobConditionReason.CompletionsReached));
            Assert.That(Pods(host), Has.Count.EqualTo(3), "no pod is made after the job completed");
        });
    }

    [Test]
    public async Task FailedPods_AreReplacedAfter10s20s40s_AndTheJobFailsPastBackoffLimit()
    {
        await using var host = await ControllerTestHost.StartAsync(h => h.Manager.AddBatchControllers());
        await host.Client.CreateAsync(BatchObjects.Job("flaky", backoffLimit: 3));
        await Eventually.Until(() => Pods(host).Count == 1, "the first pod");

        foreach (var delay in new[] { 10, 20, 40 })
        {
            var count = Pods(host).Count;
            await Fail(host, Pods(host).Single(PodStates.IsActive));
            await host.SettleAsync();
            await host.AdvanceAsync(TimeSpan.FromSeconds(delay) - TimeSpan.FromMilliseconds(1));
            Assert.That(Pods(host), Has.Count.EqualTo(count), $"no replacement before the {delay} s backoff has passed");
            Assert.That(Get(host, "flaky").Status.Failed, Is.EqualTo(count));

            host.Time.Advance(TimeSpan.FromMilliseconds(1));
            await Eventually.Until(() => Pods(host).Count == count + 1, $"a replacement {delay} s after the failure");
        }

        await Fail(host, Pods(host).Single(PodStates.IsActive));
        await Eventually.Until(() => JobState.IsFailed(Get(host, "flaky")), "the job to fail");
        var failed = Get(host, "flaky");
        Assert.Multiple(() =>
        {
            Assert.That(failed.Status.Failed, Is.EqualTo(4), "backoffLimit 3 allows three retries: the fourth failure ends it");
            Assert.That(Conditions.Find(failed.Status.Conditions, JobConditionType.Failed)?.Reason, Is.EqualTo(JobConditionReason.BackoffLimitExceeded));
            Assert.That(Conditions.Find(failed.Status.Conditions, JobConditionType.FailureTarget)?.Reason, Is.EqualTo(JobConditionReason.BackoffLimitExceeded));
            Assert.That(failed.Status.CompletionTime, Is.Null, "only a successful job gets a completion time");
        });

        await host.AdvanceAsync(TimeSpan.FromMinutes(10));
        Assert.That(Pods(host), Has.Count.EqualTo(4), "a failed job makes no more pods");
    }

    [Test]
    public void Backoff_DoublesFrom10sAndIsCappedAtSixMinutes()
    {
        var delays = Enumerable.Range(0, 9).Select(n => JobBackoff.Delay(n, JobBackoff.DefaultBase, JobBackoff.DefaultMax).TotalSeconds);
        Assert.That(delays, Is.EqualTo(new double[] { 0, 10, 20, 40, 80, 160, 320, 360, 360 }));
    }

    [Test]
    public async Task Backoff_IsResetByASuccess()
    {
        await using var host = await ControllerTestHost.StartAsync(h => h.Manager.AddBatchControllers());
        await host.Client.CreateAsync(BatchObjects.Job("mixed", completions: 3, parallelism: 1, backoffLimit: 6));
        await Eventually.Until(() => Pods(host).Count == 1, "the first pod");

        await Fail(host, Pods(host).Single(PodStates.IsActive));
        await host.AdvanceAsync(TimeSpan.FromSeconds(10));
        await Eventually.Until(() => Pods(host).Count == 2, "a replacement after 10 s");
        await Succeed(host, Pods(host).Single(PodStates.IsActive));
        await Eventually.Until(() => Pods(host).Count == 3, "the next completion's pod at once, the success having reset the backoff");

        await host.AdvanceAsync(TimeSpan.FromSeconds(1));
        await Fail(host, Pods(host).Single(PodStates.IsActive));
        await host.SettleAsync();
        await host.AdvanceAsync(TimeSpan.FromSeconds(9));
        Assert.That(Pods(host), Has.Count.EqualTo(3), "the first failure after a success waits 10 s again, not 20 s");
        host.Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.Until(() => Pods(host).Count == 4, "a replacement 10 s after the failure");
    }

    [Test]
    public async Task IndexedJob_GivesEachPodItsIndex_AndCompletesWhenEveryIndexSucceeded()
    {
        await using var host = await ControllerTestHost.StartAsync(h => h.Manager.AddBatchControllers());
        var job = BatchObjects.Job("render", completions: 3, parallelism: 2);
        await host.Client.CreateAsync(job with { Spec = job.Spec with { CompletionMode = JobCompletionMode.Indexed } });

        await Eventually.Until(() => Pods(host).Count == 2, "pods for indexes 0 and 1");
        await host.SettleAsync();
        var byIndex = Pods(host).ToDictionary(p => JobState.CompletionIndex(p)!.Value);
        Assert.That(byIndex.Keys.Order(), Is.EqualTo(new[] { 0, 1 }));
        Assert.Multiple(() =>
        {
            foreach (var (index, pod) in byIndex)
            {
                Assert.That(pod.Metadata.GenerateName, Is.EqualTo($"render-{index}-"));
                Assert.That(pod.Metadata.Annotations[BatchLabels.JobCompletionIndex], Is.EqualTo($"{index}"));
                Assert.That(pod.Metadata.Labels[BatchLabels.JobCompletionIndex], Is.EqualTo($"{index}"));
                Assert.That(pod.Spec.Hostname, Is.EqualTo($"render-{index}"));
                var variable = pod.Spec.Containers[0].Env.Single(e => e.Name == "JOB_COMPLETION_INDEX");
                Assert.That(variable.ValueFrom?.FieldRef?.FieldPath, Is.EqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']"));
            }
        });

        await Succeed(host, byIndex[0]);
        await Eventually.Until(() => Pods(host).Any(p => JobState.CompletionIndex(p) == 2), "a pod for index 2");
        await Fail(host, byIndex[1]);
        await host.SettleAsync();
        Assert.That(Get(host, "render").Status.CompletedIndexes, Is.EqualTo("0"));
        await host.AdvanceAsync(TimeSpan.FromSeconds(10));
        await Eventually.Until(() => Pods(host).Count(p => JobState.CompletionIndex(p) == 1) == 2, "index 1 again after the backoff");

        foreach (var pod in Pods(host).Where(PodStates.IsActive))
        {
            await Succeed(host, pod);
        }

        await Eventually.Until(() => JobState.IsComplete(Get(host, "render")), "the job to complete");
        var done = Get(host, "render");
        Assert.Multiple(() =>
        {
            Assert.That(done.Status.CompletedIndexes, Is.EqualTo("0-2"));
            Assert.That(done.Status.Succeeded, Is.EqualTo(3));
            Assert.That(done.Status.Failed, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task ActiveDeadlineSeconds_FailsTheJobWithDeadlineExceeded_AndDeletesItsPods()
    {
        await using var host = await ControllerTestHost.StartAsync(h => h.Manager.AddBatchControllers());
        var job = BatchObjects.Job("slow", completions: 4, parallelism: 2);
        await host.Client.CreateAsync(job with { Spec = job.Spec with { ActiveDeadlineSeconds = 30 } });
        await Eventually.Until(() => Pods(host).Count == 2, "two pods");
        await host.SettleAsync();

        await host.AdvanceAsync(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        Assert.That(JobState.IsFinished(Get(host, "slow")), Is.False, "the deadline has not passed");
        Assert.That(Pods(host), Has.Count.EqualTo(2));

        host.Time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.Until(() => JobState.IsFailed(Get(host, "slow")), "the job to fail at its deadline");
        await host.SettleAsync();
        var failed = Get(host, "slow");
        Assert.Multiple(() =>
        {
            var condition = Conditions.Find(failed.Status.Conditions, JobConditionType.Failed);
            Assert.That(condition?.Reason, Is.EqualTo(JobConditionReason.DeadlineExceeded));
            Assert.That(condition?.Message, Is.EqualTo("Job was active longer than specified deadline"));
            Assert.That(Pods(host), Is.Empty, "the active pods are deleted");
            Assert.That(failed.Status.Active, Is.Null);
        });
    }

    [Test]
    public async Task RestartPolicyOnFailure_CountsContainerRestartsAgainstBackoffLimit()
    {
        await using var host = await ControllerTestHost.StartAsync(h => h.Manager.AddBatchControllers());
        await host.Client.CreateAsync(BatchObjects.Job("crashy", backoffLimit: 2, restartPolicy: RestartPolicy.OnFailure));
        await Eventually.Until(() => Pods(host).Count == 1, "the pod");

        await host.Client.UpdateStatusAsync(BatchObjects.Running(Pods(host)[0], restarts: 1));
        await host.SettleAsync();
        Assert.That(JobState.IsFinished(Get(host, "crashy")), Is.False, "one restart is within backoffLimit 2");

        await host.Client.UpdateStatusAsync(BatchObjects.Running(Pods(host)[0], restarts: 2));
        await Eventually.Until(() => JobState.IsFailed(Get(host, "crashy")), "the job to fail at two restarts");
        await host.SettleAsync();
        Assert.That(Conditions.Find(Get(host, "crashy").Status.Conditions, JobConditionType.Failed)?.Reason, Is.EqualTo(JobConditionReason.BackoffLimitExceeded));
        Assert.That(Pods(host), Is.Empty, "the restarting pod is deleted");
    }

    [Test]
    public async Task WorkQueueJob_StopsMakingPodsAfterASuccess_AndCompletesWhenTheRestFinish()
    {
        await using var host = await ControllerTestHost.StartAsync(h => h.Manager.AddBatchControllers());
        await host.Client.CreateAsync(BatchObjects.Job("queue", parallelism: 3));
        await Eventually.Until(() => Pods(host).Count == 3, "three workers");
        await host.SettleAsync();

        var pods = Pods(host);
        await Succeed(host, pods[0]);
        await host.SettleAsync();
        Assert.That(JobState.IsFinished(Get(host, "queue")), Is.False, "two workers still run");
        await Succeed(host, pods[1]);
        await Succeed(host, pods[2]);
        await Eventually.Until(() => JobState.IsComplete(Get(host, "queue")), "the job to complete");
        Assert.That(Pods(host), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task SuspendedJob_HasNoPods_UntilResumed()
    {
        await using var host = await ControllerTestHost.StartAsync(h => h.Manager.AddBatchControllers());
        await host.Client.CreateAsync(BatchObjects.Job("later", parallelism: 2, completions: 2));
        await Eventually.Until(() => Pods(host).Count == 2, "two pods");

        var job = await host.GetAsync<Job>("later");
        await host.Client.UpdateAsync(job with { Spec = job.Spec with { Suspend = true } });
        await Eventually.Until(() => Pods(host).Count == 0 && Conditions.IsTrue(Get(host, "later").Status.Conditions, JobConditionType.Suspended), "the pods to go");

        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        job = await host.GetAsync<Job>("later");
        await host.Client.UpdateAsync(job with { Spec = job.Spec with { Suspend = false } });
        await Eventually.Until(() => Pods(host).Count == 2, "two pods again");
        await host.SettleAsync();
        var resumed = Get(host, "later");
        Assert.That(Conditions.Find(resumed.Status.Conditions, JobConditionType.Suspended)?.Reason, Is.EqualTo(JobConditionReason.JobResumed));
        Assert.That(resumed.Status.StartTime, Is.EqualTo(ControllerTestHost.DefaultStart.AddMinutes(1)), "the deadline counts from the resume");
    }

    [Test]
    public async Task TtlSecondsAfterFinished_DeletesTheFinishedJobCascading()
    {
        await using var host = await ControllerTestHost.StartAsync(h => h.Manager.AddBatchControllers());
        var job = BatchObjects.Job("once");
        await host.Client.CreateAsync(job with { Spec = job.Spec with { TtlSecondsAfterFinished = 100 } });
        await Eventually.Until(() => Pods(host).Count == 1, "the pod");
        await host.AdvanceAsync(TimeSpan.FromSeconds(5));
        await Succeed(host, Pods(host)[0]);
        await Eventually.Until(() => JobState.IsComplete(Get(host, "once")), "the job to complete");
        await host.SettleAsync();

        await host.AdvanceAsync(TimeSpan.FromSeconds(100) - TimeSpan.FromMilliseconds(1));
        Assert.That(await host.Client.GetAsync<Job>(new NamespacedName("default", "once")), Is.Not.Null, "the TTL has not run out");

        host.Time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.Until(() => host.Client.GetAsync<Job>(new NamespacedName("default", "once")).AsTask().Result is null, "the job to be deleted");
        var delete = host.Client.Deletes.Single(d => d.Kind == "Job");
        Assert.That(delete.Options?.PropagationPolicy, Is.EqualTo(PropagationPolicy.Foreground), "its pods go with it");
        Assert.That(delete.Options?.Preconditions?.Uid, Is.Not.Null);
    }

    private static IReadOnlyList<Pod> Pods(ControllerTestHost host) =>
        host.ListAsync<Pod>().GetAwaiter().GetResult();

    private static Job Get(ControllerTestHost host, string name) =>
        host.GetAsync<Job>(name).GetAwaiter().GetResult();

    private static Task<Pod> Succeed(ControllerTestHost host, Pod pod) =>
        host.Client.UpdateStatusAsync(BatchObjects.Finished(pod, 0, host.Time.GetUtcNow())).AsTask();

    private static Task<Pod> Fail(ControllerTestHost host, Pod pod) =>
        host.Client.UpdateStatusAsync(BatchObjects.Finished(pod, 1, host.Time.GetUtcNow())).AsTask();
}
