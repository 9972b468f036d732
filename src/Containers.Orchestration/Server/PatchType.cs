namespace Containers.Orchestration.Server;

/// <summary>The patch formats the API server applies, by their HTTP content types.</summary>
public enum PatchType
{
    /// <summary>RFC 7386 JSON merge patch, <c>application/merge-patch+json</c>: objects merge, null deletes, lists are replaced.</summary>
    Merge,

    /// <summary>
    /// Kubernetes' strategic merge patch, <c>application/strategic-merge-patch+json</c>: a merge patch
    /// whose lists of named things (containers, env, ports, volumes…) merge by their key, with the
    /// <c>$patch: delete|replace</c> directives.
    /// </summary>
    StrategicMerge,

    /// <summary>RFC 6902 JSON patch, <c>application/json-patch+json</c>: a list of operations.</summary>
    Json,
}
