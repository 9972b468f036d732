namespace Containers.Orchestration.Api.Core;

/// <summary>The pod a workload controller stamps out: metadata (labels) and a pod spec.</summary>
public sealed record PodTemplateSpec
{
    public ObjectMeta Metadata { get => field ??= new(); init; }

    public PodSpec Spec { get => field ??= new(); init; }
}
