using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Server.Rbac;

namespace Containers.Orchestration.Server;

public sealed partial class ApiServer
{
    /// <summary>
    /// Binds a pod to a node, as a Binding posted to <c>pods/{name}/binding</c> does: sets
    /// <c>spec.nodeName</c> (which an update may not change) and the PodScheduled condition.
    /// </summary>
    /// <exception cref="ConflictException">The pod is already bound, is being deleted, or its uid is not <paramref name="podUid"/>.</exception>
    /// <exception cref="NotFoundException">There is no such pod.</exception>
    public async ValueTask<Pod> BindAsync(UserInfo user, NamespacedName pod, string? podUid, string nodeName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        await AuthorizeOrThrowAsync(AuthorizationAttributes.ForResource(user, "create", _pods, pod.Namespace, pod.Name, "binding"), cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var stored = await _store.GetAsync(_pods, pod, cancellationToken).ConfigureAwait(false) as Pod ?? throw NotFound(_pods, pod.Name);
            if (!string.IsNullOrEmpty(podUid) && stored.Metadata.Uid != podUid)
            {
                throw new ConflictException($"Operation cannot be fulfilled on pods/binding \"{pod.Name}\": the pod's uid is {stored.Metadata.Uid}, not {podUid}: it was deleted and made again");
            }

            if (!string.IsNullOrEmpty(stored.Spec.NodeName))
            {
                throw new ConflictException($"Operation cannot be fulfilled on pods/binding \"{pod.Name}\": pod {pod.Name} is already assigned to node \"{stored.Spec.NodeName}\"");
            }

            if (stored.Metadata.DeletionTimestamp is not null)
            {
                throw new ConflictException($"Operation cannot be fulfilled on pods/binding \"{pod.Name}\": pod {pod.Name} is being deleted, cannot be assigned to a host");
            }

            var scheduled = new Condition { Type = PodConditionType.PodScheduled, Status = ConditionStatus.True, LastTransitionTime = Now() };
            var bound = stored with
            {
                Spec = stored.Spec with { NodeName = nodeName },
                Status = stored.Status with { Conditions = Conditions.Set(stored.Status.Conditions, scheduled) },
            };
            try
            {
                return (Pod)await _store.UpdateAsync(bound, cancellationToken).ConfigureAwait(false);
            }
            catch (ConflictException) when (attempt < MaxRetries)
            {
                // Written in between (a status update): check again on what is stored now.
            }
        }
    }
}
