using Containers.Orchestration.Api;

namespace Containers.Orchestration.Store;

/// <summary>What to list and at which revision.</summary>
public sealed record ListOptions
{
    public LabelSelector? LabelSelector { get; init; }

    public FieldSelector? FieldSelector { get; init; }

    /// <summary>At most this many items; the rest follow through <see cref="ListResult.Continue"/>.</summary>
    public int? Limit { get; init; }

    /// <summary>The token of the previous page; the page is read at that page's revision.</summary>
    public string? Continue { get; init; }

    /// <summary>
    /// Null, empty or "0": the newest state. A decimal revision: exactly the state at that revision
    /// (<see cref="GoneException"/> when compacted).
    /// </summary>
    public string? ResourceVersion { get; init; }
}
