using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Tests.Controllers.Testing;

namespace Containers.Orchestration.Tests.Controllers.Batch;

/// <summary>Jobs, CronJobs and the kubelet's side of their pods, for batch controller tests.</summary>
internal static class BatchObjects
{
    public static Job Job(string name, int? completions = null, int? parallelism = null, int? backoffLimit = null, string restartPolicy = RestartPolicy.Never) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new JobSpec
        {
            Completions = completions,
            Parallelism = parallelism,
            BackoffLimit = backoffLimit,
            Template = PodTemplate(restartPolicy),
        },
    };

    public static CronJob CronJob(string name, string schedule, string? concurrencyPolicy = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new CronJobSpec
        {
            Schedule = schedule,
            ConcurrencyPolicy = concurrencyPolicy,
            JobTemplate = new JobTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = TestObjects.Labels("app=report") },
                Spec = new JobSpec { Template = PodTemplate(RestartPolicy.OnFailure) },
            },
        },
    };

    public static PodTemplateSpec PodTemplate(string restartPolicy) => new()
    {
        Metadata = new ObjectMeta { Labels = TestObjects.Labels("app=batch") },
        Spec = new PodSpec
        {
            RestartPolicy = restartPolicy,
            Containers = [new Container { Name = "work", Image = "busybox", Command = ["sh", "-c", "exit 0"] }],
        },
    };

    /// <summary>What a kubelet reports when the pod's container exits at <paramref name="at"/>: Succeeded for 0, else Failed.</summary>
    public static Pod Finished(Pod pod, int exitCode, DateTimeOffset at) => pod with
    {
        Status = pod.Status with
        {
            Phase = exitCode == 0 ? PodPhase.Succeeded : PodPhase.Failed,
            ContainerStatuses =
            [
                new ContainerStatus
                {
                    Name = "work",
                    State = new ContainerState
                    {
                        Terminated = new ContainerStateTerminated { ExitCode = exitCode, Reason = exitCode == 0 ? "Completed" : "Error", FinishedAt = at },
                    },
                },
            ],
        },
    };

    /// <summary>What a kubelet reports for a running pod whose container has restarted <paramref name="restarts"/> times.</summary>
    public static Pod Running(Pod pod, int restarts = 0) => pod with
    {
        Status = pod.Status with
        {
            Phase = PodPhase.Running,
            ContainerStatuses = [new ContainerStatus { Name = "work", RestartCount = restarts, State = new ContainerState { Running = new ContainerStateRunning() } }],
        },
    };

    /// <summary>A Job as its controller would leave it once finished: Complete or Failed since <paramref name="at"/>.</summary>
    public static Job FinishedJob(Job job, bool succeeded, DateTimeOffset startedAt, DateTimeOffset at) => job with
    {
        Status = job.Status with
        {
            StartTime = startedAt,
            CompletionTime = succeeded ? at : null,
            Conditions = [new Condition { Type = succeeded ? JobConditionType.Complete : JobConditionType.Failed, Status = ConditionStatus.True, LastTransitionTime = at }],
        },
    };
}
