namespace Containers.Orchestration.Controllers.Batch;

/// <summary>Adds the batch controllers to a <see cref="ControllerManager"/>.</summary>
public static class BatchControllers
{
    /// <summary>
    /// Adds the Job controller (<c>job</c>), the CronJob controller (<c>cronjob</c>) and the
    /// controller that deletes finished Jobs after ttlSecondsAfterFinished (<c>ttl-after-finished</c>).
    /// </summary>
    public static ControllerManager AddBatchControllers(this ControllerManager manager, BatchControllerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        options ??= new();
        return manager
            .Add("job", context => new JobReconciler(context, options), options.JobWorkers)
            .Add("cronjob", context => new CronJobReconciler(context), options.CronJobWorkers)
            .Add("ttl-after-finished", context => new TtlAfterFinishedReconciler(context), options.TtlAfterFinishedWorkers);
    }
}
