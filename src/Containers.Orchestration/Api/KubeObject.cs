using System.Text.Json.Serialization;

namespace Containers.Orchestration.Api;

/// <summary>
/// The base of every kind: <c>apiVersion</c>, <c>kind</c> and <c>metadata</c>, with spec and status
/// in the subclasses, in Kubernetes' JSON shape.
/// </summary>
/// <remarks>
/// Records with init-only properties, not mutable classes. The store, the informer caches and every
/// watcher share one instance of a stored object, so nothing may change it in place: a controller
/// that wants a changed object makes one with <c>with</c> (<c>pod with { Spec = pod.Spec with {
/// NodeName = node } }</c>), which copies only the path it changes and shares the rest. Deep updates
/// are wordier than Go's <c>DeepCopy()</c>-then-assign, but a shared cache can never be corrupted by
/// a controller, which is the bug class Go avoids only by convention. Collections are typed
/// <see cref="IReadOnlyList{T}"/> / <see cref="IReadOnlyDictionary{TKey,TValue}"/> and never read
/// as null: an absent or null list reads as empty (Go's nil slice), and empty ones are left out when
/// written. Every non-nullable reference property is written <c>{ get => field ?? default; init; }</c>:
/// the source-generated deserializer sets init-only properties it did not find to null, so an
/// initializer (<c>= [];</c>) would not survive a decode.
/// Record equality compares collections by reference; compare objects semantically with
/// <see cref="Serialization.KubeJson.SemanticEquals"/>. <see cref="Serialization.KubeJson.DeepClone{T}"/>
/// exists for the rare caller that must hand an object to code it does not trust.
/// </remarks>
public abstract record KubeObject
{
    private readonly string _defaultApiVersion;
    private readonly string _defaultKind;

    protected KubeObject(string apiVersion, string kind)
    {
        _defaultApiVersion = apiVersion;
        _defaultKind = kind;
    }

    /// <summary><c>group/version</c>, or the bare version for the core group (<c>v1</c>).</summary>
    [JsonPropertyOrder(-3)]
    public string ApiVersion { get => field ?? _defaultApiVersion; init; }

    [JsonPropertyOrder(-2)]
    public string Kind { get => field ?? _defaultKind; init; }

    [JsonPropertyOrder(-1)]
    public ObjectMeta Metadata { get => field ??= new(); init; }

    /// <summary>The object's name, or empty when it has none yet (generateName).</summary>
    [JsonIgnore]
    public string Name => Metadata.Name ?? string.Empty;

    /// <summary>The object's namespace, or null for a cluster-scoped object.</summary>
    [JsonIgnore]
    public string? Namespace => string.IsNullOrEmpty(Metadata.Namespace) ? null : Metadata.Namespace;

    /// <summary><c>namespace/name</c>, as reconcilers and the store key objects.</summary>
    [JsonIgnore]
    public NamespacedName Key => new(Namespace, Name);

    [JsonIgnore]
    public TypeMeta TypeMeta => new(ApiVersion, Kind);
}
