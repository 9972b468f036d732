using Containers.Orchestration.Controllers.Autoscaling;
using Containers.Orchestration.Controllers.Batch;
using Containers.Orchestration.Controllers.Deployments;
using Containers.Orchestration.Controllers.NodeLifecycle;
using Containers.Orchestration.Controllers.ReplicaSets;
using Containers.Orchestration.Controllers.StatefulSets;
using Containers.Orchestration.Scheduling;

namespace Containers.Orchestration.Controllers;

/// <summary>Adds the platform's controllers to a <see cref="ControllerManager"/>, with kube-controller-manager's names.</summary>
public static class BuiltInControllers
{
    public const string ReplicaSet = "replicaset";
    public const string Deployment = "deployment";
    public const string StatefulSet = "statefulset";
    public const string NodeLifecycle = "nodelifecycle";
    public const string TaintEviction = "taint-eviction";
    public const string Scheduler = "scheduler";

    /// <summary>
    /// Adds the workload controllers, the batch controllers (job, cronjob, ttl-after-finished), node
    /// lifecycle and taint eviction, the autoscaler when a <paramref name="metrics"/> source is given,
    /// and (unless <paramref name="withScheduler"/> is false, for a scheduler that runs apart) the scheduler.
    /// </summary>
    public static ControllerManager AddBuiltInControllers(this ControllerManager manager, bool withScheduler = true, NodeLifecycleOptions? nodeLifecycle = null, SchedulerOptions? scheduler = null, IMetricsSource? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        manager.AddBatchControllers();
        if (metrics is not null)
        {
            manager.AddAutoscalingControllers(metrics);
        }

        manager.Add(ReplicaSet, ctx => new ReplicaSetController(ctx), workers: 5);
        manager.Add(Deployment, ctx => new DeploymentController(ctx), workers: 5);
        manager.Add(StatefulSet, ctx => new StatefulSetController(ctx), workers: 5);
        manager.Add(NodeLifecycle, ctx => new NodeLifecycleController(ctx, nodeLifecycle));
        manager.Add(TaintEviction, ctx => new TaintEvictionController(ctx), workers: 2);
        if (withScheduler)
        {
            manager.Add(Scheduler, ctx => new Scheduler(ctx, scheduler));
        }

        return manager;
    }
}
