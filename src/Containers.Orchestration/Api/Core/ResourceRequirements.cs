using System.Collections.ObjectModel;

namespace Containers.Orchestration.Api.Core;

/// <summary>Requests (what scheduling reserves) and limits (what the runtime enforces), by resource name.</summary>
public sealed record ResourceRequirements
{
    public IReadOnlyDictionary<string, Quantity> Limits { get => field ?? ReadOnlyDictionary<string, Quantity>.Empty; init; }

    public IReadOnlyDictionary<string, Quantity> Requests { get => field ?? ReadOnlyDictionary<string, Quantity>.Empty; init; }
}
