using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Server.Admission;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Server.Patch;
using Containers.Orchestration.Server.Rbac;
using Containers.Orchestration.Store;
using Containers.Orchestration.Validation;

namespace Containers.Orchestration.Server;

public sealed partial class ApiServer
{
    /// <summary>
    /// Replaces an object's metadata and desired state; its status is kept (write it with
    /// <see cref="UpdateStatusAsync"/>). With a resourceVersion, only if it is still the stored one;
    /// without, unconditionally. An update that changes nothing writes nothing.
    /// </summary>
    /// <exception cref="NotFoundException">There is no such object.</exception>
    /// <exception cref="ConflictException">The resourceVersion is stale.</exception>
    /// <exception cref="Validation.InvalidObjectException">The object breaks its kind's rules, or changes an immutable field.</exception>
    public ValueTask<KubeObject> UpdateAsync(UserInfo user, KubeObject obj, WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        UpdateAsync(user, obj, subresource: null, options, cancellationToken);

    /// <summary>Replaces an object's status (the status subresource); changes to anything else are ignored.</summary>
    public ValueTask<KubeObject> UpdateStatusAsync(UserInfo user, KubeObject obj, WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        UpdateAsync(user, obj, "status", options, cancellationToken);

    /// <summary>
    /// Writes <paramref name="obj"/> through <paramref name="subresource"/>: null for the object,
    /// "status", or "finalize" (a Namespace's spec.finalizers).
    /// </summary>
    public async ValueTask<KubeObject> UpdateAsync(UserInfo user, KubeObject obj, string? subresource, WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(obj);
        var type = TypeOf(obj);
        var key = KeyOf(type, obj);
        CheckSubresource(type, subresource);
        await AuthorizeOrThrowAsync(AuthorizationAttributes.ForResource(user, "update", type, key.Namespace, key.Name, subresource), cancellationToken).ConfigureAwait(false);
        return await UpdateCoreAsync(user, type, key, _ => obj, subresource, options ?? WriteOptions.Default, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies a patch to the stored object (or its status, with <paramref name="subresource"/>
    /// "status") and stores the result as an update would; a patch that races another write is
    /// applied again to the newer object, unless it names a resourceVersion.
    /// </summary>
    /// <exception cref="InvalidArgumentException">The patch is malformed.</exception>
    public async ValueTask<KubeObject> PatchAsync(
        UserInfo user,
        ResourceType type,
        NamespacedName name,
        PatchType patchType,
        ReadOnlyMemory<byte> patch,
        string? subresource = null,
        WriteOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(type);
        CheckSubresource(type, subresource);
        await AuthorizeOrThrowAsync(AuthorizationAttributes.ForResource(user, "patch", type, name.Namespace, name.Name, subresource), cancellationToken).ConfigureAwait(false);
        var document = JsonPatches.Parse(patch.Span);
        return await UpdateCoreAsync(user, type, name, old =>
        {
            var patched = JsonPatches.Apply(patchType, ObjectParts.ToNode(type, old), document);
            try
            {
                return ObjectParts.FromNode(type, patched);
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new InvalidArgumentException($"the patched {type.Kind} \"{name.Name}\" does not decode: {e.Message}", e);
            }
        }, subresource, options ?? WriteOptions.Default, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The update path shared by update, patch, status and finalize: read the stored object, compute
    /// the requested one from it, keep what the caller may not change, admit, and write with the
    /// stored resourceVersion as precondition, computing again when an unconditional request races.
    /// </summary>
    private async ValueTask<KubeObject> UpdateCoreAsync(
        UserInfo user,
        ResourceType type,
        NamespacedName key,
        Func<KubeObject, KubeObject> change,
        string? subresource,
        WriteOptions options,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var old = await _store.GetAsync(type, key, cancellationToken).ConfigureAwait(false) ?? throw NotFound(type, key.Name);
            var requested = change(old);
            var requestedVersion = requested.Metadata.ResourceVersion;
            if (!string.IsNullOrEmpty(requestedVersion) && requestedVersion != old.Metadata.ResourceVersion)
            {
                throw Conflict(type, key.Name);
            }

            var next = subresource switch
            {
                "status" => PrepareStatusUpdate(type, old, requested),
                "finalize" => PrepareFinalize(old, requested),
                _ => PrepareUpdate(type, old, requested),
            };
            next = await AdmitAsync(new AdmissionRequest
            {
                Operation = AdmissionOperation.Update,
                Type = type,
                User = user,
                Namespace = key.Namespace,
                Name = key.Name,
                Subresource = subresource,
                Object = next,
                OldObject = old,
                DryRun = options.DryRun,
            }, cancellationToken).ConfigureAwait(false);
            if (subresource is null)
            {
                await _escalation.CheckAsync(user, type, next, old, cancellationToken).ConfigureAwait(false);
            }

            if (ObjectParts.SameButVersion(type, next, old) || options.DryRun)
            {
                return options.DryRun ? next : old;
            }

            try
            {
                return await WriteAsync(type, key, old, next, cancellationToken).ConfigureAwait(false);
            }
            catch (ConflictException) when (attempt < MaxRetries)
            {
                // Someone wrote in between; compute the change again from what they wrote. A request
                // that named the version it read then fails the check above; a patch (whose result
                // carries the stored version unless the patch names one) applies to the newer object.
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
    /// Stores <paramref name="next"/> over <paramref name="old"/> (Conflict if the stored object moved
    /// on), or removes the object when it is being deleted and nothing holds it any more.
    /// </summary>
    private async ValueTask<KubeObject> WriteAsync(ResourceType type, NamespacedName key, KubeObject old, KubeObject next, CancellationToken cancellationToken)
    {
        next = next with { Metadata = next.Metadata with { ResourceVersion = old.Metadata.ResourceVersion } };
        if (ReadyToRemove(next))
        {
            var removed = await _store.DeleteAsync(type, key, new Preconditions(old.Metadata.Uid, old.Metadata.ResourceVersion), cancellationToken).ConfigureAwait(false);
            Log.Removed(_logger, type.GroupResource, key);
            _controllers.Wake();
            return removed;
        }

        var stored = await _store.UpdateAsync(next, cancellationToken).ConfigureAwait(false);
        if (stored.Metadata.DeletionTimestamp is not null)
        {
            _controllers.Wake();
        }

        return stored;
    }

    /// <summary>Whether an object being deleted has nothing left holding it: no finalizers, grace over.</summary>
    private bool ReadyToRemove(KubeObject obj) =>
        obj.Metadata.DeletionTimestamp is { } deadline && obj.Metadata.Finalizers.Count == 0 && deadline <= _time.GetUtcNow() &&
        (obj is not Namespace ns || ns.Spec.Finalizers.Count == 0);

    /// <summary>
    /// The requested object with what an update may not change taken from the stored one: identity
    /// and deletion fields, status (its own subresource), a Namespace's spec.finalizers (finalize),
    /// and generation, bumped when the desired state changed.
    /// </summary>
    private static KubeObject PrepareUpdate(ResourceType type, KubeObject old, KubeObject requested)
    {
        var meta = requested.Metadata;
        var oldMeta = old.Metadata;
        if (!string.IsNullOrEmpty(meta.Uid) && meta.Uid != oldMeta.Uid)
        {
            throw Invalid(type, old.Name, new FieldError(FieldErrorType.Invalid, "metadata.uid", meta.Uid, "field is immutable"));
        }

        if (oldMeta.DeletionTimestamp is not null && meta.Finalizers.Except(oldMeta.Finalizers, StringComparer.Ordinal).Any())
        {
            throw Invalid(type, old.Name, new FieldError(FieldErrorType.Forbidden, "metadata.finalizers", Detail: "no new finalizers can be added if the object is being deleted"));
        }

        var next = requested with
        {
            ApiVersion = type.ApiVersion,
            Kind = type.Kind,
            Metadata = meta with
            {
                Name = oldMeta.Name,
                Namespace = oldMeta.Namespace,
                Uid = oldMeta.Uid,
                CreationTimestamp = oldMeta.CreationTimestamp,
                DeletionTimestamp = oldMeta.DeletionTimestamp,
                DeletionGracePeriodSeconds = oldMeta.DeletionGracePeriodSeconds,
                Generation = oldMeta.Generation,
                ResourceVersion = oldMeta.ResourceVersion,
            },
        };
        if (ObjectParts.HasStatus(type))
        {
            next = ObjectParts.WithStatusOf(type, next, old);
        }

        if (next is Namespace ns && old is Namespace oldNs)
        {
            next = ns with { Spec = ns.Spec with { Finalizers = oldNs.Spec.Finalizers } };
        }

        if (ObjectParts.DesiredStateDiffers(type, next, old))
        {
            next = next with { Metadata = next.Metadata with { Generation = (oldMeta.Generation ?? 0) + 1 } };
        }

        return next;
    }

    /// <summary>The stored object with the requested status; nothing else of the request counts.</summary>
    private static KubeObject PrepareStatusUpdate(ResourceType type, KubeObject old, KubeObject requested) =>
        ObjectParts.WithStatusOf(type, old, requested);

    /// <summary>The stored Namespace with the requested spec.finalizers.</summary>
    private static KubeObject PrepareFinalize(KubeObject old, KubeObject requested) =>
        old is Namespace ns && requested is Namespace wanted
            ? ns with { Spec = ns.Spec with { Finalizers = wanted.Spec.Finalizers } }
            : throw new InvalidArgumentException("finalize takes a Namespace");
}
