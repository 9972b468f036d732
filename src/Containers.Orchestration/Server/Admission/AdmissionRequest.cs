using Containers.Orchestration.Api;
using Containers.Orchestration.Server.Authentication;

namespace Containers.Orchestration.Server.Admission;

/// <summary>
/// One write as admission hooks see it: who makes it, on what, and the object before
/// (<see cref="OldObject"/>, for updates and deletes) and after (<see cref="Object"/>, for creates
/// and updates). Hooks must not change the objects: a mutating hook returns a changed copy.
/// </summary>
public sealed record AdmissionRequest
{
    public required AdmissionOperation Operation { get; init; }

    public required ResourceType Type { get; init; }

    public required UserInfo User { get; init; }

    /// <summary>The object's namespace; null for cluster-scoped kinds.</summary>
    public string? Namespace { get; init; }

    /// <summary>The object's name (empty on a create that uses generateName, before one is made).</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The subresource written, such as <c>status</c>; null for the object itself.</summary>
    public string? Subresource { get; init; }

    /// <summary>The object as it would be stored (create, update); null for deletes.</summary>
    public KubeObject? Object { get; init; }

    /// <summary>The stored object (update, delete); null for creates.</summary>
    public KubeObject? OldObject { get; init; }

    /// <summary>True when nothing will be stored: hooks must have no side effects.</summary>
    public bool DryRun { get; init; }
}
