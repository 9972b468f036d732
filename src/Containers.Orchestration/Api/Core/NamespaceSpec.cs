namespace Containers.Orchestration.Api.Core;

public sealed record NamespaceSpec
{
    /// <summary>What must finish before the namespace goes (the API server adds "kubernetes").</summary>
    public IReadOnlyList<string> Finalizers { get => field ?? []; init; }
}
