namespace Containers.Orchestration.Api.Core;

/// <summary>core/v1 Pod: containers that run together on one node.</summary>
public sealed record Pod() : KubeObject("v1", KindName)
{
    public const string KindName = "Pod";

    public PodSpec Spec { get => field ??= new(); init; }

    public PodStatus Status { get => field ??= new(); init; }
}
