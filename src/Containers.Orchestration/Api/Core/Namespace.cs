namespace Containers.Orchestration.Api.Core;

/// <summary>core/v1 Namespace: a scope for names; deleting it deletes what is in it.</summary>
public sealed record Namespace() : KubeObject(ApiVersionV1, KindName)
{
    public const string ApiVersionV1 = "v1";
    public const string KindName = "Namespace";

    public NamespaceSpec Spec { get => field ??= new(); init; }

    public NamespaceStatus Status { get => field ??= new(); init; }
}
