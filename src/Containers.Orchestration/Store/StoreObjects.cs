using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Serialization;

namespace Containers.Orchestration.Store;

/// <summary>
/// What every store does the same way: checking an object fits its kind's scope, stamping the
/// fields a store assigns, and Kubernetes' wording for store errors (the API server passes these
/// messages on in its Status objects).
/// </summary>
internal static class StoreObjects
{
    /// <summary>The key of <paramref name="obj"/>, after checking its name and namespace fit <paramref name="type"/>.</summary>
    public static NamespacedName KeyOf(ResourceType type, KubeObject obj)
    {
        if (string.IsNullOrEmpty(obj.Metadata.Name))
        {
            throw new InvalidArgumentException($"{type.Kind}: metadata.name: Required value: name or generateName is required (the API server turns generateName into a name)");
        }

        if (type.Namespaced && obj.Namespace is null)
        {
            throw new InvalidArgumentException($"{type.Kind} \"{obj.Name}\": metadata.namespace: Required value: {type.GroupResource} live in a namespace");
        }

        if (!type.Namespaced && obj.Namespace is not null)
        {
            throw new InvalidArgumentException($"{type.Kind} \"{obj.Name}\": metadata.namespace: Forbidden: {type.GroupResource} are cluster-scoped, remove namespace \"{obj.Namespace}\"");
        }

        return obj.Key;
    }

    /// <summary>The object with a uid and creation time when it has none, and <paramref name="revision"/>.</summary>
    public static KubeObject ForCreate(KubeObject obj, TimeProvider time, long revision)
    {
        var meta = obj.Metadata;
        return obj with
        {
            Metadata = meta with
            {
                Uid = string.IsNullOrEmpty(meta.Uid) ? Guid.NewGuid().ToString() : meta.Uid,
                CreationTimestamp = meta.CreationTimestamp ?? WholeSeconds(time.GetUtcNow()),
                ResourceVersion = ResourceVersions.Format(revision),
            },
        };
    }

    /// <summary>The object with the stored object's uid and creation time, and <paramref name="revision"/>.</summary>
    public static KubeObject ForUpdate(ResourceType type, KubeObject obj, KubeObject stored, long revision)
    {
        var meta = obj.Metadata;
        if (!string.IsNullOrEmpty(meta.ResourceVersion) && meta.ResourceVersion != stored.Metadata.ResourceVersion)
        {
            throw Modified(type, obj.Name);
        }

        if (!string.IsNullOrEmpty(meta.Uid) && meta.Uid != stored.Metadata.Uid)
        {
            throw new ConflictException($"Operation cannot be fulfilled on {type.GroupResource} \"{obj.Name}\": Precondition failed: UID in precondition: {meta.Uid}, UID in object meta: {stored.Metadata.Uid}");
        }

        return obj with
        {
            Metadata = meta with
            {
                Uid = stored.Metadata.Uid,
                CreationTimestamp = stored.Metadata.CreationTimestamp,
                ResourceVersion = ResourceVersions.Format(revision),
            },
        };
    }

    public static void CheckPreconditions(ResourceType type, KubeObject stored, Preconditions? preconditions)
    {
        if (preconditions?.Uid is { Length: > 0 } uid && uid != stored.Metadata.Uid)
        {
            throw new ConflictException($"Operation cannot be fulfilled on {type.GroupResource} \"{stored.Name}\": Precondition failed: UID in precondition: {uid}, UID in object meta: {stored.Metadata.Uid}");
        }

        if (preconditions?.ResourceVersion is { Length: > 0 } rv && rv != stored.Metadata.ResourceVersion)
        {
            throw new ConflictException($"Operation cannot be fulfilled on {type.GroupResource} \"{stored.Name}\": Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {stored.Metadata.ResourceVersion}");
        }
    }

    /// <summary>The object as a Deleted event carries it: its last state with the revision of the delete.</summary>
    public static KubeObject AsDeleted(KubeObject stored, long revision) =>
        stored with { Metadata = stored.Metadata with { ResourceVersion = ResourceVersions.Format(revision) } };

    /// <summary>A copy that shares nothing with the caller's object, and its JSON.</summary>
    public static (KubeObject Object, byte[] Json) Isolate(KubeObject obj, ResourceType type)
    {
        var json = KubeJson.SerializeToUtf8Bytes(obj);
        return (KubeJson.Deserialize(json, type), json);
    }

    public static NotFoundException NotFound(ResourceType type, NamespacedName name) =>
        new($"{type.GroupResource} \"{name.Name}\" not found{(name.Namespace is null ? string.Empty : $" in namespace \"{name.Namespace}\"")}");

    public static AlreadyExistsException AlreadyExists(ResourceType type, NamespacedName name) =>
        new($"{type.GroupResource} \"{name.Name}\" already exists{(name.Namespace is null ? string.Empty : $" in namespace \"{name.Namespace}\"")}");

    public static ConflictException Modified(ResourceType type, string name) =>
        new($"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again");

    public static GoneException TooOld(long requested, long compacted) =>
        new($"too old resource version: {requested} ({compacted}): the history before revision {compacted + 1} is compacted; list again and watch from the list's resourceVersion");

    private static DateTimeOffset WholeSeconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
