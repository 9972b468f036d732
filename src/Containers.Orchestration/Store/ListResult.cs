using Containers.Orchestration.Api;

namespace Containers.Orchestration.Store;

/// <summary>
/// A page of a list: the matching objects sorted by key, the revision they were read at (a watch
/// from it misses nothing), and a token for the next page when a limit cut the list short.
/// </summary>
public sealed record ListResult(IReadOnlyList<KubeObject> Items, string ResourceVersion, string? Continue = null, long? RemainingItemCount = null);
