using System.Text.Json;

namespace Containers.Orchestration.Api.Apps;

/// <summary>
/// apps/v1 ControllerRevision: an immutable snapshot of a StatefulSet's or DaemonSet's template,
/// their revision history.
/// </summary>
public sealed record ControllerRevision() : KubeObject(AppsV1.ApiVersion, KindName)
{
    public const string KindName = "ControllerRevision";

    /// <summary>The snapshot (a patch of the owner's spec), opaque to the store.</summary>
    public JsonElement? Data { get; init; }

    public long Revision { get; init; }
}
