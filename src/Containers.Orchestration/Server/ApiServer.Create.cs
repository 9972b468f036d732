using System.Security.Cryptography;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Server.Admission;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Server.Rbac;
using Containers.Orchestration.Validation;

namespace Containers.Orchestration.Server;

public sealed partial class ApiServer
{
    // Kubernetes' alphabet for generated names: no vowels (no words), no look-alikes.
    private const string NameAlphabet = "bcdfghjklmnpqrstvwxz2456789";
    private const int GeneratedNameLength = 5;
    private const int MaxGeneratedPrefixLength = 63 - GeneratedNameLength;

    /// <summary>
    /// Creates <paramref name="obj"/> and returns it as stored. A namespaced object must name its
    /// namespace; with <c>generateName</c> and no name, the server makes a unique name.
    /// </summary>
    /// <exception cref="AlreadyExistsException">An object of that kind and name exists.</exception>
    /// <exception cref="Validation.InvalidObjectException">The object breaks its kind's rules.</exception>
    /// <exception cref="ForbiddenException">RBAC or an admission hook refuses it.</exception>
    /// <exception cref="NotFoundException">Its namespace does not exist.</exception>
    public async ValueTask<KubeObject> CreateAsync(UserInfo user, KubeObject obj, WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(obj);
        options ??= WriteOptions.Default;
        var type = TypeOf(obj);
        var ns = NamespaceOf(type, obj);
        await AuthorizeOrThrowAsync(AuthorizationAttributes.ForResource(user, "create", type, ns), cancellationToken).ConfigureAwait(false);

        var generated = string.IsNullOrEmpty(obj.Metadata.Name) && !string.IsNullOrEmpty(obj.Metadata.GenerateName);
        for (var attempt = 0; ; attempt++)
        {
            var prepared = PrepareForCreate(type, obj, ns);
            prepared = await AdmitAsync(new AdmissionRequest
            {
                Operation = AdmissionOperation.Create,
                Type = type,
                User = user,
                Namespace = ns,
                Name = prepared.Name,
                Object = prepared,
                DryRun = options.DryRun,
            }, cancellationToken).ConfigureAwait(false);
            await _escalation.CheckAsync(user, type, prepared, null, cancellationToken).ConfigureAwait(false);
            if (options.DryRun)
            {
                return prepared;
            }

            try
            {
                var stored = await _store.CreateAsync(prepared, cancellationToken).ConfigureAwait(false);
                if (type == _namespaces)
                {
                    await EnsureDefaultServiceAccountAsync(stored.Name, cancellationToken).ConfigureAwait(false);
                }

                return stored;
            }
            catch (AlreadyExistsException) when (generated && attempt < MaxRetries)
            {
                // The generated name was taken: draw another.
            }
            catch (AlreadyExistsException e)
            {
                throw new AlreadyExistsException($"{type.GroupResource} \"{prepared.Name}\" already exists", e);
            }
        }
    }

    /// <summary>
    /// The object as a create stores it: its name (generated if asked), namespace, a new uid, the
    /// creation time, generation 1, no deletion fields, and the status a new object of its kind
    /// starts with (empty, except a Pod's Pending phase and QoS class, and its PodScheduled=False
    /// SchedulingGated condition while it has scheduling gates, and a Namespace's Active phase;
    /// a Node keeps the status its agent registers it with).
    /// </summary>
    private KubeObject PrepareForCreate(ResourceType type, KubeObject obj, string? ns)
    {
        var meta = obj.Metadata;
        var name = string.IsNullOrEmpty(meta.Name) && !string.IsNullOrEmpty(meta.GenerateName) ? GenerateName(meta.GenerateName) : meta.Name;
        var prepared = obj with
        {
            ApiVersion = type.ApiVersion,
            Kind = type.Kind,
            Metadata = meta with
            {
                Name = name,
                Namespace = ns,
                Uid = Guid.NewGuid().ToString(),
                ResourceVersion = null,
                Generation = 1,
                CreationTimestamp = Now(),
                DeletionTimestamp = null,
                DeletionGracePeriodSeconds = null,
                ManagedFields = [],
            },
        };

        switch (prepared)
        {
            case Pod pod:
                return pod with
                {
                    Status = new PodStatus
                    {
                        Phase = PodPhase.Pending,
                        QosClass = PodQos.Of(pod),
                        Conditions = pod.Spec.SchedulingGates.Count == 0 ? [] : [SchedulingGated()],
                    },
                };
            case Namespace namespaceObj:
                return namespaceObj with
                {
                    Spec = namespaceObj.Spec with { Finalizers = [KubernetesFinalizer] },
                    Status = new NamespaceStatus { Phase = NamespacePhases.Active },
                };
            case Node:
                return prepared;
            default:
                return ObjectParts.HasStatus(type) ? ObjectParts.WithStatusOf(type, prepared, null) : prepared;
        }
    }

    private Condition SchedulingGated() => new()
    {
        Type = PodConditionType.PodScheduled,
        Status = ConditionStatus.False,
        Reason = "SchedulingGated",
        Message = "Scheduling is blocked due to non-empty scheduling gates",
        LastTransitionTime = Now(),
    };

    private static string GenerateName(string prefix)
    {
        if (prefix.Length > MaxGeneratedPrefixLength)
        {
            prefix = prefix[..MaxGeneratedPrefixLength];
        }

        return prefix + RandomNumberGenerator.GetString(NameAlphabet, GeneratedNameLength);
    }

    /// <summary>
    /// Admission for a create or update: the kind's defaults, mutating hooks in order, then the
    /// kind's validation (of the change, for updates), then validating hooks. Returns the object to store.
    /// </summary>
    private async ValueTask<KubeObject> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        var obj = KubeDefaults.Apply(request.Object!);
        foreach (var hook in _mutating)
        {
            obj = await hook.MutateAsync(request with { Object = obj }, cancellationToken).ConfigureAwait(false);
        }

        request = request with { Object = obj, Name = obj.Name };
        if (request.OldObject is { } old)
        {
            KubeValidation.ThrowIfInvalidUpdate(old, obj);
        }
        else
        {
            KubeValidation.ThrowIfInvalid(obj);
        }

        foreach (var hook in _validating)
        {
            await hook.ValidateAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return obj;
    }

    /// <summary>Makes the service account <c>default</c> in a namespace, as Kubernetes' service account controller does.</summary>
    private async ValueTask EnsureDefaultServiceAccountAsync(string @namespace, CancellationToken cancellationToken)
    {
        var key = new NamespacedName(@namespace, ServiceAccountAdmission.DefaultName);
        if (await _store.GetAsync(_serviceAccounts, key, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        try
        {
            var account = new ServiceAccount { Metadata = new ObjectMeta { Name = key.Name, Namespace = @namespace } };
            await _store.CreateAsync(PrepareForCreate(_serviceAccounts, account, @namespace), cancellationToken).ConfigureAwait(false);
        }
        catch (AlreadyExistsException)
        {
            // Made meanwhile.
        }
    }
}
