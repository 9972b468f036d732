using Containers.Orchestration.Api;

namespace Containers.Orchestration.Store;

/// <summary>
/// Where objects live in a key-value store, as the API server lays them out in etcd:
/// <c>{root}/{resource}/{namespace}/{name}</c> for the core group,
/// <c>{root}/{group}/{resource}/{namespace}/{name}</c> for the others, without the namespace part
/// for cluster-scoped kinds. Names and namespaces cannot contain '/', so a prefix ending in '/'
/// selects exactly one kind, or one kind in one namespace.
/// </summary>
public static class StoreKeys
{
    public const string DefaultRoot = "/registry";

    public static string Key(ResourceType type, NamespacedName name, string root = DefaultRoot)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Namespaced
            ? $"{KindPrefix(type, root)}{name.Namespace}/{name.Name}"
            : $"{KindPrefix(type, root)}{name.Name}";
    }

    /// <summary>The prefix of every object of <paramref name="type"/>, or of those in <paramref name="namespace"/>.</summary>
    public static string Prefix(ResourceType type, string? @namespace, string root = DefaultRoot)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Namespaced && !string.IsNullOrEmpty(@namespace)
            ? $"{KindPrefix(type, root)}{@namespace}/"
            : KindPrefix(type, root);
    }

    private static string KindPrefix(ResourceType type, string root) =>
        type.Group.Length == 0 ? $"{root}/{type.Resource}/" : $"{root}/{type.Group}/{type.Resource}/";
}
