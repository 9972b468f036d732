using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Autoscaling;
using Containers.Orchestration.Controllers.Client;

namespace Containers.Orchestration.Controllers.Autoscaling;

/// <summary>
/// What an autoscaler scales, through the equivalent of the scale subresource: the desired replica
/// count (spec.replicas) and the selector of its pods, for Deployments, ReplicaSets and StatefulSets.
/// </summary>
internal sealed record ScaleTarget(KubeObject Object, int Replicas, LabelSelector? Selector)
{
    /// <summary>The target <paramref name="reference"/> names in <paramref name="namespace"/>.</summary>
    /// <exception cref="Errors.NotFoundException">It does not exist, or is of a kind with no scale.</exception>
    public static async ValueTask<ScaleTarget> GetAsync(IApiClient client, string? @namespace, CrossVersionObjectReference reference, CancellationToken cancellationToken)
    {
        var type = client.Registry.Find(reference.ApiVersion ?? string.Empty, reference.Kind)
            ?? throw new Errors.NotFoundException($"no kind {reference.Kind} in {reference.ApiVersion}: scale a Deployment, ReplicaSet or StatefulSet (apps/v1)");
        if (string.IsNullOrEmpty(reference.Name))
        {
            throw new Errors.NotFoundException($"the scale target {reference.Kind} has no name");
        }

        var obj = await client.GetAsync(type, new NamespacedName(@namespace, reference.Name), cancellationToken).ConfigureAwait(false)
            ?? throw new Errors.NotFoundException($"{type.GroupResource} \"{reference.Name}\" not found");
        return obj switch
        {
            Deployment d => new ScaleTarget(d, d.Spec.Replicas ?? 1, d.Spec.Selector),
            ReplicaSet r => new ScaleTarget(r, r.Spec.Replicas ?? 1, r.Spec.Selector),
            StatefulSet s => new ScaleTarget(s, s.Spec.Replicas ?? 1, s.Spec.Selector),
            _ => throw new Errors.NotFoundException($"{type.GroupResource} has no scale subresource: scale a Deployment, ReplicaSet or StatefulSet"),
        };
    }

    /// <summary>Sets spec.replicas, reading the object again if someone else wrote it meanwhile.</summary>
    public async ValueTask UpdateAsync(IApiClient client, int replicas, CancellationToken cancellationToken)
    {
        KubeObject? scaled = Object switch
        {
            Deployment d => await client.UpdateRetryingAsync(d, o => o with { Spec = o.Spec with { Replicas = replicas } }, cancellationToken: cancellationToken).ConfigureAwait(false),
            ReplicaSet r => await client.UpdateRetryingAsync(r, o => o with { Spec = o.Spec with { Replicas = replicas } }, cancellationToken: cancellationToken).ConfigureAwait(false),
            StatefulSet s => await client.UpdateRetryingAsync(s, o => o with { Spec = o.Spec with { Replicas = replicas } }, cancellationToken: cancellationToken).ConfigureAwait(false),
            _ => null,
        };
        if (scaled is null)
        {
            throw new Errors.NotFoundException($"{Object.Kind} {Object.Key} went away before it could be scaled");
        }
    }
}
