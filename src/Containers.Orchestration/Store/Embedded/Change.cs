using Containers.Orchestration.Api;

namespace Containers.Orchestration.Store.Embedded;

/// <summary>
/// One write as the history and the watchers see it: the object before (null for a create), after
/// (null for a delete), and for a delete the object as the Deleted event carries it.
/// </summary>
internal sealed record Change(long Revision, string Key, KubeObject? Previous, KubeObject? Current, KubeObject? Deleted);
