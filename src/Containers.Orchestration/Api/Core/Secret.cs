using System.Collections.ObjectModel;

namespace Containers.Orchestration.Api.Core;

/// <summary>
/// core/v1 Secret: sensitive data, base64 in JSON. <see cref="StringData"/> is write-only
/// convenience: the API server folds it into <see cref="Data"/> (see <c>Defaulting</c>), as Kubernetes does.
/// </summary>
public sealed record Secret() : KubeObject("v1", KindName)
{
    public const string KindName = "Secret";

    public IReadOnlyDictionary<string, byte[]> Data { get => field ?? ReadOnlyDictionary<string, byte[]>.Empty; init; }

    public IReadOnlyDictionary<string, string> StringData { get => field ?? ReadOnlyDictionary<string, string>.Empty; init; }

    /// <summary>Opaque by default; kubernetes.io/tls, kubernetes.io/dockerconfigjson, kubernetes.io/service-account-token…</summary>
    public string? Type { get; init; }

    public bool? Immutable { get; init; }
}
