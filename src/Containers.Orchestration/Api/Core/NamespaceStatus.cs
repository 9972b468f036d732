using System.Text.Json.Serialization;

namespace Containers.Orchestration.Api.Core;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record NamespaceStatus
{
    /// <summary>Active or Terminating.</summary>
    public string? Phase { get; init; }
}
