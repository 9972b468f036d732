using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Serialization;
using Containers.Orchestration.Store;

namespace Containers.Orchestration.Controllers.Client;

/// <summary>
/// An <see cref="IApiClient"/> straight over a store, with just the API server's behaviour that
/// controllers depend on: names from generateName, creation timestamps and generations (bumped when
/// anything outside metadata and status changes), the status subresource, binding, graceful deletion
/// of pods on nodes and of objects with finalizers, and create-time admission hooks. No validation,
/// no defaulting, no RBAC and no garbage collection: the API server's client replaces it.
/// </summary>
public sealed class StoreApiClient : IApiClient
{
    private const string NameSuffixAlphabet = "bcdfghjklmnpqrstvwxz2456789";
    private const long DefaultPodGracePeriodSeconds = 30;

    private readonly IStateStore _store;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<Func<KubeObject, KubeObject>> _admission;

    /// <param name="store">Where the objects live.</param>
    /// <param name="timeProvider">Where creation and deletion timestamps come from.</param>
    /// <param name="admission">Applied in order to every object being created, as mutating admission plugins are.</param>
    public StoreApiClient(IStateStore store, TimeProvider? timeProvider = null, IEnumerable<Func<KubeObject, KubeObject>>? admission = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = timeProvider ?? TimeProvider.System;
        _admission = admission?.ToArray() ?? [];
    }

    public ResourceRegistry Registry => _store.Registry;

    public ValueTask<KubeObject?> GetAsync(ResourceType type, NamespacedName name, CancellationToken cancellationToken = default) =>
        _store.GetAsync(type, name, cancellationToken);

    public ValueTask<ListResult> ListAsync(ResourceType type, string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default) =>
        _store.ListAsync(type, @namespace, options, cancellationToken);

    public IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? @namespace, WatchOptions? options = null, CancellationToken cancellationToken = default) =>
        _store.WatchAsync(type, @namespace, options, cancellationToken);

    public async ValueTask<T> CreateAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(obj);
        KubeObject admitted = obj;
        foreach (var admit in _admission)
        {
            admitted = admit(admitted);
        }

        var generated = string.IsNullOrEmpty(admitted.Metadata.Name);
        if (generated && string.IsNullOrEmpty(admitted.Metadata.GenerateName))
        {
            throw new InvalidArgumentException($"{admitted.Kind} has neither metadata.name nor metadata.generateName: give it a name");
        }

        for (var attempt = 0; ; attempt++)
        {
            var meta = admitted.Metadata with
            {
                Name = generated ? admitted.Metadata.GenerateName + RandomNumberGenerator.GetString(NameSuffixAlphabet, 5) : admitted.Metadata.Name,
                ResourceVersion = null,
                Generation = 1,
                CreationTimestamp = _time.GetUtcNow(),
                DeletionTimestamp = null,
                DeletionGracePeriodSeconds = null,
            };
            try
            {
                return (T)await _store.CreateAsync(admitted with { Metadata = meta }, cancellationToken).ConfigureAwait(false);
            }
            catch (AlreadyExistsException) when (generated && attempt < 8)
            {
                // Another random suffix, as the API server retries a generated name.
            }
        }
    }

    public async ValueTask<T> UpdateAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(obj);
        var type = Registry.Get(obj);
        var stored = await GetExistingAsync(type, obj.Key, cancellationToken).ConfigureAwait(false);
        var next = ToNode(obj);
        var current = ToNode(stored);
        next["status"] = current["status"]?.DeepClone();
        var specChanged = !JsonNode.DeepEquals(Without(next, "metadata", "status"), Without(current, "metadata", "status"));
        var updated = FromNode(next, type);
        var meta = updated.Metadata with
        {
            Uid = stored.Metadata.Uid,
            CreationTimestamp = stored.Metadata.CreationTimestamp,
            DeletionTimestamp = stored.Metadata.DeletionTimestamp,
            DeletionGracePeriodSeconds = stored.Metadata.DeletionGracePeriodSeconds,
            Generation = (stored.Metadata.Generation ?? 1) + (specChanged ? 1 : 0),
        };
        updated = updated with { Metadata = meta };
        if (meta.DeletionTimestamp is not null && meta.Finalizers.Count == 0 && stored.Metadata.Finalizers.Count > 0)
        {
            // The last finalizer is gone from an object being deleted: it goes now.
            await _store.DeleteAsync(type, obj.Key, new Preconditions(stored.Metadata.Uid, obj.Metadata.ResourceVersion), cancellationToken).ConfigureAwait(false);
            return (T)updated;
        }

        return (T)await _store.UpdateAsync(updated, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<T> UpdateStatusAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(obj);
        var type = Registry.Get(obj);
        var stored = await GetExistingAsync(type, obj.Key, cancellationToken).ConfigureAwait(false);
        var next = ToNode(stored);
        var status = ToNode(obj)["status"];
        next["status"] = status?.DeepClone();
        var updated = FromNode(next, type);
        updated = updated with { Metadata = updated.Metadata with { ResourceVersion = obj.Metadata.ResourceVersion } };
        return (T)await _store.UpdateAsync(updated, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DeleteAsync(ResourceType type, NamespacedName name, DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        var stored = await GetExistingAsync(type, name, cancellationToken).ConfigureAwait(false);
        var preconditions = options?.Preconditions;
        if (preconditions?.Uid is { } uid && uid != stored.Metadata.Uid)
        {
            throw new ConflictException($"{type.Kind} {name} has uid {stored.Metadata.Uid}, not {uid}: it was deleted and made again");
        }

        if (preconditions?.ResourceVersion is { } rv && rv != stored.Metadata.ResourceVersion)
        {
            throw new ConflictException($"{type.Kind} {name} is at resourceVersion {stored.Metadata.ResourceVersion}, not {rv}: read it again");
        }

        var now = _time.GetUtcNow();
        var grace = GracePeriod(stored, options);
        if (grace > 0 || stored.Metadata.Finalizers.Count > 0)
        {
            var deadline = now.AddSeconds(grace);
            if (stored.Metadata.DeletionTimestamp is { } existing && existing <= deadline)
            {
                return; // Already going, at least as soon.
            }

            var meta = stored.Metadata with { DeletionTimestamp = deadline, DeletionGracePeriodSeconds = grace };
            await _store.UpdateAsync(stored with { Metadata = meta }, cancellationToken).ConfigureAwait(false);
            return;
        }

        await _store.DeleteAsync(type, name, new Preconditions(stored.Metadata.Uid, stored.Metadata.ResourceVersion), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask BindAsync(NamespacedName pod, string podUid, string nodeName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        var type = Registry.Get<Pod>();
        var stored = (Pod)await GetExistingAsync(type, pod, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(podUid) && stored.Metadata.Uid != podUid)
        {
            throw new ConflictException($"pod {pod} has uid {stored.Metadata.Uid}, not {podUid}: it was deleted and made again");
        }

        if (!string.IsNullOrEmpty(stored.Spec.NodeName))
        {
            throw new ConflictException($"pod {pod} is already assigned to node \"{stored.Spec.NodeName}\"");
        }

        if (stored.Metadata.DeletionTimestamp is not null)
        {
            throw new ConflictException($"pod {pod} is being deleted: it cannot be bound");
        }

        var scheduled = new Condition { Type = PodConditionType.PodScheduled, Status = ConditionStatus.True, LastTransitionTime = _time.GetUtcNow() };
        var bound = stored with
        {
            Spec = stored.Spec with { NodeName = nodeName },
            Status = stored.Status with { Conditions = Conditions.Set(stored.Status.Conditions, scheduled) },
        };
        await _store.UpdateAsync(bound, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The seconds a delete waits: as asked, else a pod's own grace period; 0 for pods that are not
    /// on a node or have finished (nothing runs to stop) and for every other kind.
    /// </summary>
    private static long GracePeriod(KubeObject stored, DeleteOptions? options)
    {
        if (stored is not Pod pod)
        {
            return 0;
        }

        if (string.IsNullOrEmpty(pod.Spec.NodeName) || pod.Status.Phase is PodPhase.Succeeded or PodPhase.Failed)
        {
            return 0;
        }

        return Math.Max(0, options?.GracePeriodSeconds ?? pod.Metadata.DeletionGracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds ?? DefaultPodGracePeriodSeconds);
    }

    private async ValueTask<KubeObject> GetExistingAsync(ResourceType type, NamespacedName name, CancellationToken cancellationToken) =>
        await _store.GetAsync(type, name, cancellationToken).ConfigureAwait(false)
        ?? throw new NotFoundException($"{type.GroupResource} \"{name}\" not found");

    private static JsonObject ToNode(KubeObject obj) =>
        JsonNode.Parse(KubeJson.SerializeToUtf8Bytes(obj))!.AsObject();

    private static KubeObject FromNode(JsonObject node, ResourceType type) =>
        KubeJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()), type);

    private static JsonObject Without(JsonObject obj, params string[] names)
    {
        var copy = obj.DeepClone().AsObject();
        foreach (var name in names)
        {
            copy.Remove(name);
        }

        return copy;
    }
}
