namespace Containers.Orchestration.Controllers.Autoscaling;

/// <summary>Adds the autoscaling controllers to a <see cref="ControllerManager"/>.</summary>
public static class AutoscalingControllers
{
    /// <summary>Adds the HorizontalPodAutoscaler controller (<c>horizontalpodautoscaling</c>), reading usage from <paramref name="metrics"/>.</summary>
    public static ControllerManager AddAutoscalingControllers(this ControllerManager manager, IMetricsSource metrics, HorizontalPodAutoscalerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(metrics);
        options ??= new();
        return manager.Add("horizontalpodautoscaling", context => new HorizontalPodAutoscalerReconciler(context, metrics, options), options.Workers);
    }
}
