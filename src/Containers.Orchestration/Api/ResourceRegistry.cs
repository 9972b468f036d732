using System.Collections.Frozen;
using Containers.Errors;

namespace Containers.Orchestration.Api;

/// <summary>
/// The kinds the API serves, found by <c>apiVersion</c>+<c>kind</c> (decoding manifests), by
/// group+resource (REST paths, RBAC), by CLR type (typed clients) or by a name a user types
/// (<c>get deploy</c>, <c>get deployments.apps</c>).
/// </summary>
public sealed class ResourceRegistry
{
    private static readonly Lazy<ResourceRegistry> BuiltIn = new(() => new ResourceRegistry(BuiltInResources.All));

    private readonly FrozenDictionary<(string ApiVersion, string Kind), ResourceType> _byKind;
    private readonly FrozenDictionary<(string Group, string Resource), ResourceType> _byResource;
    private readonly FrozenDictionary<Type, ResourceType> _byType;
    private readonly FrozenDictionary<string, ResourceType> _byUserName;

    public ResourceRegistry(IEnumerable<ResourceType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        All = [.. types];
        _byKind = All.ToFrozenDictionary(t => (t.ApiVersion, t.Kind));
        _byResource = All.ToFrozenDictionary(t => (t.Group, t.Resource));
        _byType = All.ToFrozenDictionary(t => t.ClrType);
        var names = new Dictionary<string, ResourceType>(StringComparer.Ordinal);
        foreach (var type in All)
        {
            foreach (var name in type.ShortNames.Append(type.Resource).Append(type.Singular))
            {
                names.TryAdd(name, type);
                if (type.Group.Length > 0)
                {
                    names.TryAdd($"{name}.{type.Group}", type);
                }
            }
        }

        _byUserName = names.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The built-in kinds of this platform.</summary>
    public static ResourceRegistry Default => BuiltIn.Value;

    public IReadOnlyList<ResourceType> All { get; }

    public ResourceType? Find(string apiVersion, string kind) =>
        _byKind.GetValueOrDefault((apiVersion, kind));

    /// <summary>The kind, or <see cref="NotFoundException"/> naming what is served instead.</summary>
    public ResourceType Get(string apiVersion, string kind) =>
        Find(apiVersion, kind) ?? throw new NotFoundException(
            $"no kind \"{kind}\" is registered for version \"{apiVersion}\": use one of {string.Join(", ", All.Select(t => $"{t.ApiVersion}/{t.Kind}"))}");

    public ResourceType Get(TypeMeta typeMeta) => Get(typeMeta.ApiVersion, typeMeta.Kind);

    /// <summary>By API group (empty for core) and plural resource name, as REST paths and RBAC rules name it.</summary>
    public ResourceType? FindResource(string group, string resource) =>
        _byResource.GetValueOrDefault((group, resource));

    public ResourceType Get(Type clrType) =>
        _byType.GetValueOrDefault(clrType) ?? throw new NotFoundException($"type {clrType} is not a registered kind");

    public ResourceType Get<T>()
        where T : KubeObject => Get(typeof(T));

    /// <summary>The kind of <paramref name="obj"/>, by its apiVersion and kind.</summary>
    public ResourceType Get(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Get(obj.ApiVersion, obj.Kind);
    }

    /// <summary>
    /// A name as a user types it: plural, singular, short name or kind, optionally qualified with the
    /// group (<c>deployments.apps</c>), case-insensitively for kinds (<c>Deployment</c>).
    /// </summary>
    public ResourceType? Resolve(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byUserName.GetValueOrDefault(name) ?? _byUserName.GetValueOrDefault(name.ToLowerInvariant());
    }
}
