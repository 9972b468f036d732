using System.Globalization;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Serialization;

namespace Containers.Orchestration.Controllers.Deployments;

/// <summary>The arithmetic and bookkeeping of rollouts, as Kubernetes' deployment utilities do them.</summary>
internal static class DeploymentMath
{
    public const string RollingUpdate = "RollingUpdate";
    public const string Recreate = "Recreate";
    public const int DefaultRevisionHistoryLimit = 10;
    public const int DefaultProgressDeadlineSeconds = 600;

    public static int Replicas(Deployment d) => d.Spec.Replicas ?? 1;

    public static int Replicas(ReplicaSet rs) => rs.Spec.Replicas ?? 1;

    public static bool IsRollingUpdate(Deployment d) => (d.Spec.Strategy.Type ?? RollingUpdate) == RollingUpdate;

    /// <summary>
    /// maxSurge and maxUnavailable against the desired replicas: a percentage of surge rounds up and
    /// one of unavailability down; if both come to zero, one pod may be unavailable (ResolveFenceposts).
    /// </summary>
    public static (int Surge, int Unavailable) Fenceposts(Deployment d)
    {
        var desired = Replicas(d);
        var rolling = d.Spec.Strategy.RollingUpdate;
        var surge = (rolling?.MaxSurge ?? new IntOrString("25%")).GetScaledValue(desired, roundUp: true);
        var unavailable = (rolling?.MaxUnavailable ?? new IntOrString("25%")).GetScaledValue(desired, roundUp: false);
        return surge == 0 && unavailable == 0 ? (0, 1) : (surge, unavailable);
    }

    public static int MaxSurge(Deployment d) => IsRollingUpdate(d) ? Fenceposts(d).Surge : 0;

    public static int MaxUnavailable(Deployment d)
    {
        if (!IsRollingUpdate(d) || Replicas(d) == 0)
        {
            return 0;
        }

        return Math.Min(Fenceposts(d).Unavailable, Replicas(d));
    }

    public static int SpecReplicas(IEnumerable<ReplicaSet?> sets) => sets.Sum(rs => rs is null ? 0 : Replicas(rs));

    public static int ActualReplicas(IEnumerable<ReplicaSet?> sets) => sets.Sum(rs => rs?.Status.Replicas ?? 0);

    public static int ReadyReplicas(IEnumerable<ReplicaSet?> sets) => sets.Sum(rs => rs?.Status.ReadyReplicas ?? 0);

    public static int AvailableReplicas(IEnumerable<ReplicaSet?> sets) => sets.Sum(rs => rs?.Status.AvailableReplicas ?? 0);

    /// <summary>
    /// Available replicas the rollout may count on: each ReplicaSet's available replicas, but no more
    /// than its size, since a ReplicaSet just scaled down may still report pods it is about to delete.
    /// </summary>
    public static int DependableAvailableReplicas(IEnumerable<ReplicaSet?> sets) =>
        sets.Sum(rs => rs is null ? 0 : Math.Min(rs.Status.AvailableReplicas ?? 0, Replicas(rs)));

    public static List<ReplicaSet> Active(IEnumerable<ReplicaSet?> sets) => [.. sets.OfType<ReplicaSet>().Where(rs => Replicas(rs) > 0)];

    public static long Revision(KubeObject obj) =>
        obj.Metadata.Annotations.TryGetValue(DeploymentAnnotations.Revision, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : 0;

    public static long MaxRevision(IEnumerable<ReplicaSet> sets) => sets.Select(Revision).DefaultIfEmpty(0).Max();

    /// <summary>True when two templates are equal once the pod-template-hash label is left out of both.</summary>
    public static bool EqualIgnoringHash(PodTemplateSpec a, PodTemplateSpec b) =>
        KubeJson.SemanticEquals(WithoutHash(a), WithoutHash(b));

    public static PodTemplateSpec WithoutHash(PodTemplateSpec template)
    {
        if (!template.Metadata.Labels.ContainsKey(DeploymentAnnotations.PodTemplateHashLabel))
        {
            return template;
        }

        var labels = template.Metadata.Labels.Where(l => l.Key != DeploymentAnnotations.PodTemplateHashLabel).ToDictionary(StringComparer.Ordinal);
        return template with { Metadata = template.Metadata with { Labels = labels } };
    }

    /// <summary>The oldest ReplicaSet whose template is the Deployment's (the new one), or null.</summary>
    public static ReplicaSet? FindNew(Deployment d, IEnumerable<ReplicaSet> sets) =>
        ByCreation(sets).FirstOrDefault(rs => EqualIgnoringHash(rs.Spec.Template, d.Spec.Template));

    /// <summary>Oldest first, then by name.</summary>
    public static IEnumerable<ReplicaSet> ByCreation(IEnumerable<ReplicaSet> sets) =>
        sets.OrderBy(rs => rs.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue).ThenBy(rs => rs.Name, StringComparer.Ordinal);

    public static int? IntAnnotation(KubeObject obj, string key) =>
        obj.Metadata.Annotations.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>True when the desired and max replicas annotations differ from these values.</summary>
    public static bool ReplicasAnnotationsNeedUpdate(ReplicaSet rs, int desired, int max) =>
        IntAnnotation(rs, DeploymentAnnotations.DesiredReplicas) != desired || IntAnnotation(rs, DeploymentAnnotations.MaxReplicas) != max;

    public static ReplicaSet WithReplicasAnnotations(ReplicaSet rs, int desired, int max)
    {
        var annotations = new Dictionary<string, string>(rs.Metadata.Annotations, StringComparer.Ordinal)
        {
            [DeploymentAnnotations.DesiredReplicas] = desired.ToString(CultureInfo.InvariantCulture),
            [DeploymentAnnotations.MaxReplicas] = max.ToString(CultureInfo.InvariantCulture),
        };
        return rs with { Metadata = rs.Metadata with { Annotations = annotations } };
    }

    /// <summary>
    /// The new ReplicaSet's annotations (SetNewReplicaSetAnnotations): the Deployment's own ones
    /// copied, the revision raised to <paramref name="newRevision"/> (keeping the one replaced in the
    /// revision history), and for a new ReplicaSet the replicas annotations.
    /// </summary>
    public static (ReplicaSet ReplicaSet, bool Changed) WithNewReplicaSetAnnotations(Deployment d, ReplicaSet rs, long newRevision, bool exists)
    {
        var annotations = new Dictionary<string, string>(rs.Metadata.Annotations, StringComparer.Ordinal);
        var changed = false;
        foreach (var (key, value) in d.Metadata.Annotations)
        {
            if (!DeploymentAnnotations.IsSkipped(key) && (!annotations.TryGetValue(key, out var current) || current != value))
            {
                annotations[key] = value;
                changed = true;
            }
        }

        var oldText = annotations.GetValueOrDefault(DeploymentAnnotations.Revision);
        var oldRevision = 0L;
        if (!string.IsNullOrEmpty(oldText) && !long.TryParse(oldText, NumberStyles.None, CultureInfo.InvariantCulture, out oldRevision))
        {
            return (rs, false);
        }

        if (oldRevision < newRevision)
        {
            annotations[DeploymentAnnotations.Revision] = newRevision.ToString(CultureInfo.InvariantCulture);
            changed = true;
            if (!string.IsNullOrEmpty(oldText))
            {
                annotations[DeploymentAnnotations.RevisionHistory] = annotations.TryGetValue(DeploymentAnnotations.RevisionHistory, out var history) && history.Length > 0
                    ? history + "," + oldText
                    : oldText;
            }
        }

        var result = rs with { Metadata = rs.Metadata with { Annotations = annotations } };
        if (!exists && ReplicasAnnotationsNeedUpdate(result, Replicas(d), Replicas(d) + MaxSurge(d)))
        {
            result = WithReplicasAnnotations(result, Replicas(d), Replicas(d) + MaxSurge(d));
            changed = true;
        }

        return (result, changed);
    }

    /// <summary>
    /// How many replicas the new ReplicaSet may have now (NewRSNewReplicas): as many as the surge
    /// leaves room for, up to the desired count.
    /// </summary>
    public static int NewReplicaSetReplicas(Deployment d, IEnumerable<ReplicaSet?> all, ReplicaSet newRs)
    {
        if (!IsRollingUpdate(d))
        {
            return Replicas(d);
        }

        // Pods that still exist count even when their ReplicaSet was already scaled below them, so the
        // surge bounds pods, not only ReplicaSet sizes.
        var current = all.Sum(rs => rs is null ? 0 : Math.Max(Replicas(rs), rs.Status.Replicas));
        var maxTotal = Replicas(d) + MaxSurge(d);
        if (current >= maxTotal)
        {
            return Replicas(newRs);
        }

        var scaleUp = Math.Min(maxTotal - current, Replicas(d) - Replicas(newRs));
        return Replicas(newRs) + scaleUp;
    }

    /// <summary>
    /// The active ReplicaSet to scale when only one is active, the newest when none is, or null when
    /// several are (FindActiveOrLatest).
    /// </summary>
    public static ReplicaSet? ActiveOrLatest(ReplicaSet? newRs, List<ReplicaSet> oldSets)
    {
        if (newRs is null && oldSets.Count == 0)
        {
            return null;
        }

        var newestFirst = ByCreation(oldSets).Reverse().ToList();
        var active = Active(newestFirst.Append(newRs));
        return active.Count switch
        {
            0 => newRs ?? newestFirst[0],
            1 => active[0],
            _ => null,
        };
    }

    /// <summary>The new ReplicaSet runs and offers every desired replica (IsSaturated).</summary>
    public static bool IsSaturated(Deployment d, ReplicaSet? rs) =>
        rs is not null
        && IntAnnotation(rs, DeploymentAnnotations.DesiredReplicas) == Replicas(d)
        && Replicas(rs) == Replicas(d)
        && rs.Status.AvailableReplicas == Replicas(d);

    /// <summary>A ReplicaSet's share of a scaling of the whole Deployment (GetProportion).</summary>
    public static int Proportion(ReplicaSet rs, Deployment d, int toAdd, int added)
    {
        if (Replicas(rs) == 0 || toAdd == 0 || toAdd == added)
        {
            return 0;
        }

        var fraction = Fraction(rs, d);
        var allowed = toAdd - added;
        return toAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }

    private static int Fraction(ReplicaSet rs, Deployment d)
    {
        if (Replicas(d) == 0)
        {
            return -Replicas(rs);
        }

        var deploymentReplicas = Replicas(d) + MaxSurge(d);
        var annotated = IntAnnotation(rs, DeploymentAnnotations.MaxReplicas) ?? d.Status.Replicas;
        if (annotated == 0)
        {
            return 0;
        }

        var size = (double)Replicas(rs) * deploymentReplicas / annotated;
        return (int)Math.Round(size, MidpointRounding.AwayFromZero) - Replicas(rs);
    }

    /// <summary>Every replica updated, existing and available, for the current generation (DeploymentComplete).</summary>
    public static bool IsComplete(Deployment d, DeploymentStatus status) =>
        status.UpdatedReplicas == Replicas(d)
        && status.Replicas == Replicas(d)
        && status.AvailableReplicas == Replicas(d)
        && (status.ObservedGeneration ?? 0) >= (d.Metadata.Generation ?? 0);

    /// <summary>The rollout moved since the last status (DeploymentProgressing).</summary>
    public static bool IsProgressing(Deployment d, DeploymentStatus status)
    {
        var old = d.Status;
        return status.UpdatedReplicas > old.UpdatedReplicas
            || status.Replicas - status.UpdatedReplicas < old.Replicas - old.UpdatedReplicas
            || status.ReadyReplicas > old.ReadyReplicas
            || status.AvailableReplicas > old.AvailableReplicas;
    }

    public static bool HasProgressDeadline(Deployment d) => (d.Spec.ProgressDeadlineSeconds ?? DefaultProgressDeadlineSeconds) != int.MaxValue;

    public static TimeSpan ProgressDeadline(Deployment d) => TimeSpan.FromSeconds(d.Spec.ProgressDeadlineSeconds ?? DefaultProgressDeadlineSeconds);

    /// <summary>
    /// Kubernetes' SetDeploymentCondition: a condition with the same status and reason as the current
    /// one changes nothing; with the same status only, it keeps the transition time.
    /// </summary>
    public static IReadOnlyList<Condition> SetCondition(IReadOnlyList<Condition> conditions, Condition condition)
    {
        var current = Conditions.Find(conditions, condition.Type);
        if (current is not null && current.Status == condition.Status && current.Reason == condition.Reason)
        {
            return conditions;
        }

        if (current is not null && current.Status == condition.Status)
        {
            condition = condition with { LastTransitionTime = current.LastTransitionTime };
        }

        return [.. conditions.Where(c => c.Type != condition.Type), condition];
    }

    public static Condition NewCondition(string type, string status, string reason, string message, DateTimeOffset now) => new()
    {
        Type = type,
        Status = status,
        Reason = reason,
        Message = message,
        LastUpdateTime = now,
        LastTransitionTime = now,
    };
}
