using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Server.Admission;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Server.Rbac;
using Containers.Orchestration.Store;

namespace Containers.Orchestration.Server;

public sealed partial class ApiServer
{
    /// <summary>
    /// Deletes an object, as Kubernetes does: at once when nothing holds it, and returns it as it
    /// last was; otherwise it gets a deletionTimestamp and stays (returned as updated) until its
    /// finalizers are gone and, for a pod, its grace period is over. A Namespace becomes
    /// Terminating and goes once its contents are gone. The propagation policy decides what
    /// happens to the objects it owns.
    /// </summary>
    /// <exception cref="NotFoundException">There is no such object.</exception>
    /// <exception cref="ConflictException">A precondition does not hold.</exception>
    public async ValueTask<KubeObject> DeleteAsync(UserInfo user, ResourceType type, NamespacedName name, DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(type);
        await AuthorizeOrThrowAsync(AuthorizationAttributes.ForResource(user, "delete", type, name.Namespace, name.Name), cancellationToken).ConfigureAwait(false);
        return await DeleteCoreAsync(user, type, name, options ?? DefaultDeleteOptions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes every object of <paramref name="type"/> in <paramref name="namespace"/> that the selectors pick; returns them as the deletes did.</summary>
    public async ValueTask<IReadOnlyList<KubeObject>> DeleteCollectionAsync(
        UserInfo user,
        ResourceType type,
        string? @namespace,
        ListOptions? listOptions = null,
        DeleteOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(type);
        await AuthorizeOrThrowAsync(AuthorizationAttributes.ForResource(user, "deletecollection", type, @namespace), cancellationToken).ConfigureAwait(false);
        var list = await _store.ListAsync(type, type.Namespaced ? @namespace : null, listOptions is null ? null : listOptions with { Limit = null, Continue = null }, cancellationToken).ConfigureAwait(false);
        var deleted = new List<KubeObject>();
        foreach (var item in list.Items)
        {
            try
            {
                deleted.Add(await DeleteCoreAsync(user, type, item.Key, options ?? DefaultDeleteOptions, cancellationToken).ConfigureAwait(false));
            }
            catch (NotFoundException)
            {
                // Gone meanwhile.
            }
        }

        return deleted;
    }

    private async ValueTask<KubeObject> DeleteCoreAsync(UserInfo user, ResourceType type, NamespacedName key, DeleteOptions options, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var old = await _store.GetAsync(type, key, cancellationToken).ConfigureAwait(false) ?? throw NotFound(type, key.Name);
            CheckPreconditions(type, old, options.Preconditions);
            foreach (var hook in _validating)
            {
                await hook.ValidateAsync(new AdmissionRequest
                {
                    Operation = AdmissionOperation.Delete,
                    Type = type,
                    User = user,
                    Namespace = key.Namespace,
                    Name = key.Name,
                    OldObject = old,
                    DryRun = options.DryRun,
                }, cancellationToken).ConfigureAwait(false);
            }

            var next = PrepareForDelete(type, old, options);
            if (options.DryRun)
            {
                return next ?? old;
            }

            try
            {
                if (next is null)
                {
                    var removed = await _store.DeleteAsync(type, key, new Preconditions(old.Metadata.Uid, old.Metadata.ResourceVersion), cancellationToken).ConfigureAwait(false);
                    Log.Removed(_logger, type.GroupResource, key);
                    _controllers.Wake();
                    return removed;
                }

                if (ObjectParts.SameButVersion(type, next, old))
                {
                    return old;
                }

                var stored = await _store.UpdateAsync(next, cancellationToken).ConfigureAwait(false);
                _controllers.Wake();
                return stored;
            }
            catch (ConflictException) when (options.Preconditions is null && attempt < MaxRetries)
            {
                // Written in between; decide again on what is stored now.
            }
            catch (ConflictException e)
            {
                throw Conflict(type, key.Name, e);
            }
            catch (NotFoundException e)
            {
                throw NotFound(type, key.Name, e);
            }
        }
    }

    /// <summary>
    /// What a delete makes of <paramref name="old"/>: null to remove it now, else the object with its
    /// deletionTimestamp, grace period and the propagation policy's finalizer.
    /// </summary>
    private KubeObject? PrepareForDelete(ResourceType type, KubeObject old, DeleteOptions options)
    {
        var meta = old.Metadata;
        var finalizers = DeletionFinalizers(meta.Finalizers, options.PropagationPolicy);
        var grace = GracePeriodSeconds(old, options);
        var now = Now();
        if (old is Namespace ns && ns.Spec.Finalizers.Count > 0)
        {
            return ns with
            {
                Metadata = meta with { DeletionTimestamp = meta.DeletionTimestamp ?? now, DeletionGracePeriodSeconds = 0, Finalizers = finalizers },
                Status = ns.Status with { Phase = NamespacePhases.Terminating },
            };
        }

        if (finalizers.Count == 0 && (grace == 0 || (meta.DeletionTimestamp is { } deadline && deadline <= now)))
        {
            return null;
        }

        var timestamp = now.AddSeconds(grace);
        if (meta.DeletionTimestamp is { } existing && existing <= timestamp)
        {
            // A second delete may shorten the grace period, never lengthen it.
            timestamp = existing;
            grace = meta.DeletionGracePeriodSeconds ?? grace;
        }

        return old with { Metadata = meta with { DeletionTimestamp = timestamp, DeletionGracePeriodSeconds = grace, Finalizers = finalizers } };
    }

    /// <summary>
    /// The grace period of a delete: for a pod on a node, the option, else its
    /// terminationGracePeriodSeconds, else 30 (negative counts as 1); 0 for a pod no node runs
    /// (unscheduled, or finished) and for every other kind.
    /// </summary>
    private static long GracePeriodSeconds(KubeObject obj, DeleteOptions options)
    {
        if (obj is not Pod pod || string.IsNullOrEmpty(pod.Spec.NodeName) || pod.Status.Phase is PodPhase.Succeeded or PodPhase.Failed)
        {
            return 0;
        }

        var grace = options.GracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds ?? DefaultPodGracePeriodSeconds;
        return grace < 0 ? 1 : grace;
    }

    /// <summary>The finalizers after a delete with <paramref name="policy"/>; null keeps what an earlier delete chose.</summary>
    private static IReadOnlyList<string> DeletionFinalizers(IReadOnlyList<string> finalizers, PropagationPolicy? policy)
    {
        if (policy is null)
        {
            return finalizers;
        }

        var result = finalizers.Where(f => f is not (OrphanFinalizer or ForegroundDeletionFinalizer)).ToList();
        switch (policy)
        {
            case PropagationPolicy.Orphan:
                result.Add(OrphanFinalizer);
                break;
            case PropagationPolicy.Foreground:
                result.Add(ForegroundDeletionFinalizer);
                break;
        }

        return result.SequenceEqual(finalizers) ? finalizers : result;
    }

    private static void CheckPreconditions(ResourceType type, KubeObject obj, Preconditions? preconditions)
    {
        if (preconditions?.Uid is { Length: > 0 } uid && uid != obj.Metadata.Uid)
        {
            throw new ConflictException(
                $"Operation cannot be fulfilled on {type.GroupResource} \"{obj.Name}\": Precondition failed: UID in precondition: {uid}, UID in object meta: {obj.Metadata.Uid}");
        }

        if (preconditions?.ResourceVersion is { Length: > 0 } version && version != obj.Metadata.ResourceVersion)
        {
            throw new ConflictException(
                $"Operation cannot be fulfilled on {type.GroupResource} \"{obj.Name}\": Precondition failed: ResourceVersion in precondition: {version}, ResourceVersion in meta: {obj.Metadata.ResourceVersion}");
        }
    }
}
