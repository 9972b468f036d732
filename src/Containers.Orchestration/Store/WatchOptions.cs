using Containers.Orchestration.Api;

namespace Containers.Orchestration.Store;

/// <summary>Where a watch starts and what it filters.</summary>
public sealed record WatchOptions
{
    /// <summary>
    /// A decimal revision: send the changes after it. Null, empty or "0": send the current objects as
    /// Added events first, then the changes after them.
    /// </summary>
    public string? ResourceVersion { get; init; }

    /// <summary>
    /// With a selector, an object that stops matching is sent as Deleted and one that starts matching
    /// as Added, as Kubernetes' watch cache does.
    /// </summary>
    public LabelSelector? LabelSelector { get; init; }

    public FieldSelector? FieldSelector { get; init; }

    /// <summary>Send a Bookmark event carrying the current revision once the initial events and history are sent.</summary>
    public bool AllowBookmarks { get; init; }
}
