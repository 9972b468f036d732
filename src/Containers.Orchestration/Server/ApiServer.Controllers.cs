using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Store;

namespace Containers.Orchestration.Server;

public sealed partial class ApiServer
{
    /// <summary>
    /// One pass of the built-in controllers over every object: removes objects whose graceful
    /// deletion is over and that no finalizer holds; deletes the contents of terminating namespaces
    /// and then the namespaces; and collects garbage by ownerReferences (orphaning, foreground and
    /// background cascading, dangling references). Returns whether it changed anything, and when the
    /// next graceful deletion ends.
    /// </summary>
    internal async Task<(bool Changed, DateTimeOffset? NextDeadline)> RunControllersPassAsync(CancellationToken cancellationToken)
    {
        var all = new List<(ResourceType Type, KubeObject Obj)>();
        foreach (var type in Registry.All)
        {
            var list = await _store.ListAsync(type, null, cancellationToken: cancellationToken).ConfigureAwait(false);
            all.AddRange(list.Items.Select(o => (type, o)));
        }

        var changed = false;
        var next = await RemoveExpiredAsync(all, cancellationToken).ConfigureAwait(false);
        changed |= next.Changed;
        changed |= await CleanUpNamespacesAsync(all, cancellationToken).ConfigureAwait(false);
        changed |= await CollectGarbageAsync(all, cancellationToken).ConfigureAwait(false);
        return (changed, next.Deadline);
    }

    private async Task<(bool Changed, DateTimeOffset? Deadline)> RemoveExpiredAsync(List<(ResourceType Type, KubeObject Obj)> all, CancellationToken cancellationToken)
    {
        var changed = false;
        DateTimeOffset? deadline = null;
        var now = _time.GetUtcNow();
        foreach (var (type, obj) in all)
        {
            if (obj.Metadata.DeletionTimestamp is not { } at || obj.Metadata.Finalizers.Count > 0 || obj is Namespace { Spec.Finalizers.Count: > 0 })
            {
                continue;
            }

            if (at > now)
            {
                deadline = deadline is { } d && d < at ? d : at;
                continue;
            }

            changed |= await TryAsync(async () =>
            {
                await _store.DeleteAsync(type, obj.Key, new Preconditions(obj.Metadata.Uid, obj.Metadata.ResourceVersion), cancellationToken).ConfigureAwait(false);
                Log.Removed(_logger, type.GroupResource, obj.Key);
            }).ConfigureAwait(false);
        }

        return (changed, deadline);
    }

    /// <summary>
    /// Kubernetes' namespace controller: a terminating namespace's contents are deleted (and wait
    /// for their own finalizers and grace); once nothing is left, the <c>kubernetes</c> finalizer is
    /// removed and the namespace goes.
    /// </summary>
    private async Task<bool> CleanUpNamespacesAsync(List<(ResourceType Type, KubeObject Obj)> all, CancellationToken cancellationToken)
    {
        var changed = false;
        foreach (var ns in all.Select(e => e.Obj).OfType<Namespace>())
        {
            if (ns.Metadata.DeletionTimestamp is null || !ns.Spec.Finalizers.Contains(KubernetesFinalizer, StringComparer.Ordinal))
            {
                continue;
            }

            var contents = all.Where(e => e.Type.Namespaced && e.Obj.Namespace == ns.Name).ToList();
            foreach (var (type, obj) in contents.Where(e => e.Obj.Metadata.DeletionTimestamp is null))
            {
                changed |= await TryAsync(() => DeleteCoreAsync(UserInfo.SystemAdmin, type, obj.Key, DefaultDeleteOptions, cancellationToken).AsTask()).ConfigureAwait(false);
            }

            if (contents.Count > 0)
            {
                continue;
            }

            var finalized = ns with { Spec = ns.Spec with { Finalizers = [.. ns.Spec.Finalizers.Where(f => f != KubernetesFinalizer)] } };
            changed |= await TryAsync(() => WriteAsync(_namespaces, ns.Key, ns, finalized, cancellationToken).AsTask()).ConfigureAwait(false);
        }

        return changed;
    }

    /// <summary>
    /// Kubernetes' garbage collector over one snapshot of every object. An owner deleted with
    /// Orphan loses its dependents' references to it, then its <c>orphan</c> finalizer. An owner
    /// deleted in the foreground has its dependents deleted, and loses its
    /// <c>foregroundDeletion</c> finalizer once none that blocks it is left. A dependent whose owners
    /// are all gone (verified by a fresh read, so that a new owner is never mistaken for a missing
    /// one) or waiting in the foreground is deleted; one with a live owner only loses its
    /// references to the others.
    /// </summary>
    private async Task<bool> CollectGarbageAsync(List<(ResourceType Type, KubeObject Obj)> all, CancellationToken cancellationToken)
    {
        var byUid = new Dictionary<string, (ResourceType Type, KubeObject Obj)>(StringComparer.Ordinal);
        var dependents = new Dictionary<string, List<(ResourceType Type, KubeObject Obj)>>(StringComparer.Ordinal);
        foreach (var entry in all)
        {
            if (entry.Obj.Metadata.Uid is { } uid)
            {
                byUid[uid] = entry;
            }

            foreach (var owner in entry.Obj.Metadata.OwnerReferences)
            {
                if (!dependents.TryGetValue(owner.Uid, out var list))
                {
                    dependents[owner.Uid] = list = [];
                }

                list.Add(entry);
            }
        }

        var changed = false;
        foreach (var (type, owner) in all)
        {
            if (owner.Metadata.DeletionTimestamp is null || owner.Metadata.Uid is not { } uid)
            {
                continue;
            }

            var mine = dependents.GetValueOrDefault(uid) ?? [];
            if (owner.Metadata.Finalizers.Contains(OrphanFinalizer, StringComparer.Ordinal))
            {
                var orphaned = true;
                foreach (var (depType, dep) in mine)
                {
                    var ok = await TryAsync(() => RemoveOwnerReferencesAsync(depType, dep, [uid], cancellationToken)).ConfigureAwait(false);
                    orphaned &= ok;
                    changed |= ok;
                }

                if (orphaned)
                {
                    changed |= await TryAsync(() => RemoveFinalizerAsync(type, owner, OrphanFinalizer, cancellationToken)).ConfigureAwait(false);
                }
            }
            else if (owner.Metadata.Finalizers.Contains(ForegroundDeletionFinalizer, StringComparer.Ordinal) &&
                !mine.Any(d => d.Obj.Metadata.OwnerReferences.Any(r => r.Uid == uid && r.BlockOwnerDeletion == true)))
            {
                changed |= await TryAsync(() => RemoveFinalizerAsync(type, owner, ForegroundDeletionFinalizer, cancellationToken)).ConfigureAwait(false);
            }
        }

        foreach (var (type, obj) in all)
        {
            if (obj.Metadata.OwnerReferences.Count == 0 || obj.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }

            var solid = new List<string>();
            var dangling = new List<string>();
            var waiting = new List<string>();
            foreach (var reference in obj.Metadata.OwnerReferences)
            {
                var owner = byUid.TryGetValue(reference.Uid, out var found) ? found.Obj : await ReadOwnerAsync(obj, reference, cancellationToken).ConfigureAwait(false);
                if (owner is null)
                {
                    dangling.Add(reference.Uid);
                }
                else if (owner.Metadata.DeletionTimestamp is not null && owner.Metadata.Finalizers.Contains(ForegroundDeletionFinalizer, StringComparer.Ordinal))
                {
                    waiting.Add(reference.Uid);
                }
                else
                {
                    solid.Add(reference.Uid);
                }
            }

            if (solid.Count > 0)
            {
                if (dangling.Count + waiting.Count > 0)
                {
                    changed |= await TryAsync(() => RemoveOwnerReferencesAsync(type, obj, [.. dangling, .. waiting], cancellationToken)).ConfigureAwait(false);
                }

                continue;
            }

            if (dangling.Count + waiting.Count == 0)
            {
                continue;
            }

            var policy = waiting.Count > 0 && obj.Metadata.Uid is { } uid && dependents.ContainsKey(uid) ? PropagationPolicy.Foreground
                : obj.Metadata.Finalizers.Contains(OrphanFinalizer, StringComparer.Ordinal) ? PropagationPolicy.Orphan
                : obj.Metadata.Finalizers.Contains(ForegroundDeletionFinalizer, StringComparer.Ordinal) ? PropagationPolicy.Foreground
                : PropagationPolicy.Background;
            Log.Collecting(_logger, type.GroupResource, obj.Key, policy);
            changed |= await TryAsync(() => DeleteCoreAsync(UserInfo.SystemAdmin, type, obj.Key, new DeleteOptions
            {
                PropagationPolicy = policy,
                Preconditions = new Preconditions(obj.Metadata.Uid),
            }, cancellationToken).AsTask()).ConfigureAwait(false);
        }

        return changed;
    }

    /// <summary>
    /// The owner a reference names, read from the store now; null when it is missing or is another
    /// object of that name (another uid). A kind this server does not know counts as present.
    /// </summary>
    private async ValueTask<KubeObject?> ReadOwnerAsync(KubeObject dependent, OwnerReference reference, CancellationToken cancellationToken)
    {
        var type = Registry.Find(reference.ApiVersion, reference.Kind);
        if (type is null || string.IsNullOrEmpty(reference.Name))
        {
            return dependent;
        }

        var owner = await _store.GetAsync(type, new NamespacedName(type.Namespaced ? dependent.Namespace : null, reference.Name), cancellationToken).ConfigureAwait(false);
        return owner?.Metadata.Uid == reference.Uid ? owner : null;
    }

    private async Task RemoveOwnerReferencesAsync(ResourceType type, KubeObject obj, IReadOnlyCollection<string> uids, CancellationToken cancellationToken)
    {
        var kept = obj.Metadata.OwnerReferences.Where(r => !uids.Contains(r.Uid)).ToList();
        await WriteAsync(type, obj.Key, obj, obj with { Metadata = obj.Metadata with { OwnerReferences = kept } }, cancellationToken).ConfigureAwait(false);
    }

    private async Task RemoveFinalizerAsync(ResourceType type, KubeObject obj, string finalizer, CancellationToken cancellationToken)
    {
        var kept = obj.Metadata.Finalizers.Where(f => f != finalizer).ToList();
        await WriteAsync(type, obj.Key, obj, obj with { Metadata = obj.Metadata with { Finalizers = kept } }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one write of a controller; a conflict or a vanished object just waits for the next pass.</summary>
    private static async Task<bool> TryAsync(Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is ConflictException or NotFoundException)
        {
            return false;
        }
    }
}
