using Containers.Errors;
using Containers.Orchestration.Api;

namespace Containers.Orchestration.Store;

/// <summary>
/// One change. For Added and Modified, the object after the change; for Deleted, the object as it
/// last was, with the resourceVersion of the deletion; for Bookmark, no object, only the revision.
/// </summary>
public sealed record WatchEvent(WatchEventType Type, KubeObject? Object, string ResourceVersion)
{
    /// <summary>For <see cref="WatchEventType.Error"/> events, what went wrong.</summary>
    public ContainersException? Error { get; init; }

    public static WatchEvent Bookmark(string resourceVersion) => new(WatchEventType.Bookmark, null, resourceVersion);

    public override string ToString() =>
        Object is null ? $"{Type} @{ResourceVersion}" : $"{Type} {Object.Kind} {Object.Key} @{ResourceVersion}";
}
