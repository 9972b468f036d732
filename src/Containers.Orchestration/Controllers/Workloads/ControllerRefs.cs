using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Client;

namespace Containers.Orchestration.Controllers.Workloads;

/// <summary>
/// Adoption and orphaning by selector (kube's ControllerRefManager): of the candidates, an owner
/// keeps those it controls that still match its selector, adopts orphans that match (writing a
/// controller reference on them), and releases those it controls that stopped matching. Objects
/// controlled by another owner are never touched. An owner being deleted adopts nothing.
/// </summary>
public static class ControllerRefs
{
    public static async Task<List<T>> ClaimAsync<T>(IApiClient client, KubeObject owner, LabelSelector selector, IEnumerable<T> candidates, CancellationToken cancellationToken)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(candidates);
        var uid = owner.Metadata.Uid;
        var deleting = owner.Metadata.DeletionTimestamp is not null;
        var claimed = new List<T>();
        foreach (var candidate in candidates)
        {
            var controller = candidate.Metadata.ControllerReference;
            var matches = selector.Matches(candidate);
            if (controller is not null)
            {
                if (controller.Uid != uid)
                {
                    continue;
                }

                if (matches)
                {
                    claimed.Add(candidate);
                }
                else if (!deleting)
                {
                    await client.UpdateRetryingAsync(candidate, c => Release(c, uid!), cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            if (deleting || !matches || candidate.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }

            var adopted = await client.UpdateRetryingAsync(candidate, c => c.Metadata.ControllerReference is null ? Adopt(c, owner) : c, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (adopted is not null && adopted.Metadata.ControllerReference?.Uid == uid)
            {
                claimed.Add(adopted);
            }
        }

        return claimed;
    }

    private static T Adopt<T>(T obj, KubeObject owner)
        where T : KubeObject =>
        obj with { Metadata = obj.Metadata with { OwnerReferences = [.. obj.Metadata.OwnerReferences, OwnerReference.ControllerOf(owner)] } };

    private static T Release<T>(T obj, string ownerUid)
        where T : KubeObject =>
        obj with { Metadata = obj.Metadata with { OwnerReferences = [.. obj.Metadata.OwnerReferences.Where(o => o.Uid != ownerUid)] } };
}
