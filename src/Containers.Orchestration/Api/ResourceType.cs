using System.Text.Json.Serialization.Metadata;

namespace Containers.Orchestration.Api;

/// <summary>
/// Describes one kind as the API serves it: its group, version and kind, its plural resource name
/// (the REST path segment and the store key segment), whether it lives in namespaces, and its JSON
/// contract. Identity equality: the registry holds one instance per kind.
/// </summary>
public sealed class ResourceType
{
    private static readonly IReadOnlyDictionary<string, Func<KubeObject, string?>> NoFields = new Dictionary<string, Func<KubeObject, string?>>();

    public ResourceType(
        string group,
        string version,
        string kind,
        string resource,
        bool namespaced,
        JsonTypeInfo typeInfo,
        IReadOnlyDictionary<string, Func<KubeObject, string?>>? selectableFields = null,
        IReadOnlyList<string>? shortNames = null)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentException.ThrowIfNullOrEmpty(version);
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (!typeof(KubeObject).IsAssignableFrom(typeInfo.Type))
        {
            throw new ArgumentException($"the JSON contract of {kind} is for {typeInfo.Type}, which is not a KubeObject", nameof(typeInfo));
        }

        Group = group;
        Version = version;
        Kind = kind;
        Resource = resource;
        Namespaced = namespaced;
        TypeInfo = typeInfo;
        SelectableFields = selectableFields ?? NoFields;
        ShortNames = shortNames ?? [];
    }

    /// <summary>The API group; empty for the core group.</summary>
    public string Group { get; }

    public string Version { get; }

    public string Kind { get; }

    /// <summary>The lowercase plural, such as <c>deployments</c>.</summary>
    public string Resource { get; }

    /// <summary>True for kinds that live in a namespace; false for cluster-scoped kinds such as Node.</summary>
    public bool Namespaced { get; }

    /// <summary>The JSON contract of the kind's CLR type (source-generated, no reflection).</summary>
    public JsonTypeInfo TypeInfo { get; }

    public Type ClrType => TypeInfo.Type;

    /// <summary>The fields a field selector may name besides <c>metadata.name</c> and <c>metadata.namespace</c>.</summary>
    public IReadOnlyDictionary<string, Func<KubeObject, string?>> SelectableFields { get; }

    public IReadOnlyList<string> ShortNames { get; }

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ListKind => Kind + "List";

    /// <summary>The lowercase singular, as <c>kubectl get deployment</c> accepts it.</summary>
    public string Singular => Kind.ToLowerInvariant();

    /// <summary><c>resource.group</c> (just the resource for the core group), as RBAC and errors name it.</summary>
    public string GroupResource => Group.Length == 0 ? Resource : $"{Resource}.{Group}";

    public TypeMeta TypeMeta => new(ApiVersion, Kind);

    /// <summary>
    /// The value of a selectable field of <paramref name="obj"/>, or null when this kind does not
    /// support selecting on <paramref name="field"/>.
    /// </summary>
    public bool TryGetField(KubeObject obj, string field, out string? value)
    {
        ArgumentNullException.ThrowIfNull(obj);
        switch (field)
        {
            case "metadata.name":
                value = obj.Name;
                return true;
            case "metadata.namespace":
                value = obj.Namespace ?? string.Empty;
                return true;
        }

        if (SelectableFields.TryGetValue(field, out var getter))
        {
            value = getter(obj) ?? string.Empty;
            return true;
        }

        value = null;
        return false;
    }

    public override string ToString() => $"{GroupResource} ({ApiVersion}, Kind={Kind})";
}
