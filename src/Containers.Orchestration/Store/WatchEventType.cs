namespace Containers.Orchestration.Store;

/// <summary>The kinds of watch event, as Kubernetes' wire format names them.</summary>
public enum WatchEventType
{
    Added,
    Modified,
    Deleted,

    /// <summary>No change; tells the watcher the revision it has seen up to.</summary>
    Bookmark,

    /// <summary>
    /// A terminal error carried in the stream. Stores throw instead; this exists for transports (an
    /// HTTP watch) that receive an error in-band and pass it on.
    /// </summary>
    Error,
}
