namespace Containers.Orchestration.Api.Core;

/// <summary>core/v1 ServiceAccount: an identity for processes in pods, bound to roles by RBAC.</summary>
public sealed record ServiceAccount() : KubeObject("v1", KindName)
{
    public const string KindName = "ServiceAccount";

    public IReadOnlyList<ObjectReference> Secrets { get => field ?? []; init; }

    public IReadOnlyList<LocalObjectReference> ImagePullSecrets { get => field ?? []; init; }

    public bool? AutomountServiceAccountToken { get; init; }
}
