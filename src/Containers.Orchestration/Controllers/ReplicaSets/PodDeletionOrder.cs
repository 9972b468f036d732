using System.Globalization;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Workloads;

namespace Containers.Orchestration.Controllers.ReplicaSets;

/// <summary>
/// Which pods a ReplicaSet deletes first when it scales down (kube's ActivePodsWithRanks): the
/// cheapest to lose go first: not yet bound before bound; Pending before Unknown before Running;
/// not ready before ready; a lower <c>controller.kubernetes.io/pod-deletion-cost</c> first; more
/// related pods on the same node first (spreads what stays); ready for less time first; more
/// container restarts first; newer first. Ties go by name so the order is total.
/// </summary>
public sealed class PodDeletionOrder : IComparer<Pod>
{
    public const string DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

    private readonly IReadOnlyDictionary<string, int> _podsPerNode;

    /// <param name="relatedPods">Pods that count toward colocation: those of the ReplicaSet and its siblings under one Deployment.</param>
    public PodDeletionOrder(IEnumerable<Pod> relatedPods)
    {
        ArgumentNullException.ThrowIfNull(relatedPods);
        _podsPerNode = relatedPods
            .Where(p => PodStates.IsActive(p) && !string.IsNullOrEmpty(p.Spec.NodeName))
            .GroupBy(p => p.Spec.NodeName!)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }

    public int Compare(Pod? x, Pod? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        int c;
        if ((c = string.IsNullOrEmpty(x.Spec.NodeName).CompareTo(string.IsNullOrEmpty(y.Spec.NodeName))) != 0)
        {
            return -c;
        }

        if ((c = PhaseRank(x).CompareTo(PhaseRank(y))) != 0)
        {
            return c;
        }

        if ((c = PodStates.IsReady(x).CompareTo(PodStates.IsReady(y))) != 0)
        {
            return c;
        }

        if ((c = DeletionCost(x).CompareTo(DeletionCost(y))) != 0)
        {
            return c;
        }

        if ((c = Colocated(y).CompareTo(Colocated(x))) != 0)
        {
            return c;
        }

        if (PodStates.IsReady(x) && PodStates.IsReady(y) && (c = Nullable.Compare(PodStates.ReadySince(y), PodStates.ReadySince(x))) != 0)
        {
            return c;
        }

        if ((c = Restarts(y).CompareTo(Restarts(x))) != 0)
        {
            return c;
        }

        if ((c = Nullable.Compare(y.Metadata.CreationTimestamp, x.Metadata.CreationTimestamp)) != 0)
        {
            return c;
        }

        return string.CompareOrdinal(x.Name, y.Name);
    }

    private static int PhaseRank(Pod pod) => pod.Status.Phase switch
    {
        PodPhase.Pending or null => 0,
        PodPhase.Unknown => 1,
        PodPhase.Running => 2,
        _ => 0,
    };

    private static int DeletionCost(Pod pod) =>
        pod.Metadata.Annotations.TryGetValue(DeletionCostAnnotation, out var text)
        && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var cost) ? cost : 0;

    private int Colocated(Pod pod) => string.IsNullOrEmpty(pod.Spec.NodeName) ? 0 : _podsPerNode.GetValueOrDefault(pod.Spec.NodeName);

    private static int Restarts(Pod pod) => pod.Status.ContainerStatuses.Count == 0 ? 0 : pod.Status.ContainerStatuses.Max(c => c.RestartCount);
}
