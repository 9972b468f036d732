namespace Containers.Orchestration.Api.Core;

public sealed record NamespaceStatus
{
    /// <summary>Active or Terminating.</summary>
    public string? Phase { get; init; }
}
