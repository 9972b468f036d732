using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Controllers.Client;

namespace Containers.Orchestration.Controllers.Deployments;

/// <summary>
/// <c>kubectl rollout undo</c>: copies the pod template of an earlier revision's ReplicaSet (without
/// its pod-template-hash label) and its annotations back into the Deployment. The controller then
/// finds that ReplicaSet to be the new one again and rolls it out under the next revision number,
/// keeping the old number in its revision history.
/// </summary>
public static class DeploymentRollback
{
    /// <summary>Rolls <paramref name="deployment"/> back to <paramref name="toRevision"/>, or to the revision before the current one when 0.</summary>
    /// <returns>What happened, as kubectl prints it ("rolled back", or why it was skipped).</returns>
    /// <exception cref="NotFoundException">No such Deployment, or no ReplicaSet of it has that revision.</exception>
    /// <exception cref="FailedPreconditionException">The Deployment is paused.</exception>
    public static async Task<string> UndoAsync(IApiClient client, NamespacedName deployment, long toRevision = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var d = await client.GetAsync<Deployment>(deployment, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"deployment \"{deployment}\" not found");
        if (d.Spec.Paused == true)
        {
            throw new FailedPreconditionException($"you cannot rollback a paused deployment; resume it first with 'rollout resume deployment/{d.Name}' and try again");
        }

        var owned = (await client.ListAsync<ReplicaSet>(d.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false))
            .Where(rs => rs.Metadata.ControllerReference?.Uid == d.Metadata.Uid)
            .ToList();
        var target = FindRevision(owned, toRevision)
            ?? throw new NotFoundException(toRevision == 0
                ? $"no rollout history found for deployment \"{d.Name}\""
                : $"unable to find specified revision {toRevision} in history");
        var template = DeploymentMath.WithoutHash(target.Spec.Template);
        if (DeploymentMath.EqualIgnoringHash(template, d.Spec.Template))
        {
            return $"skipped rollback (current template already matches revision {DeploymentMath.Revision(target)})";
        }

        var annotations = d.Metadata.Annotations.Where(a => DeploymentAnnotations.IsSkipped(a.Key)).ToDictionary(StringComparer.Ordinal);
        foreach (var (key, value) in target.Metadata.Annotations)
        {
            if (!DeploymentAnnotations.IsSkipped(key))
            {
                annotations[key] = value;
            }
        }

        await client.UpdateAsync(d with
        {
            Metadata = d.Metadata with { Annotations = annotations },
            Spec = d.Spec with { Template = template },
        }, cancellationToken).ConfigureAwait(false);
        return "rolled back";
    }

    private static ReplicaSet? FindRevision(List<ReplicaSet> sets, long toRevision)
    {
        if (toRevision > 0)
        {
            return sets.FirstOrDefault(rs => DeploymentMath.Revision(rs) == toRevision);
        }

        // The newest revision before the current (highest) one.
        var byRevision = sets.Where(rs => DeploymentMath.Revision(rs) > 0).OrderByDescending(DeploymentMath.Revision).ToList();
        return byRevision.Count >= 2 ? byRevision[1] : null;
    }
}
