using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Autoscaling;

namespace Containers.Orchestration.Controllers.Autoscaling;

/// <summary>
/// Turns the replica count the metrics ask for into the one the autoscaler sets, remembering each
/// autoscaler's recent recommendations and scale events (in memory, as Kubernetes does):
/// stabilization (a scale-down takes the highest recommendation of the window, a scale-up the lowest),
/// then the scaling policies (Pods or Percent per period, the Max, Min or Disabled of them), then
/// minReplicas and maxReplicas. Without a behavior the older rules apply: a scale-down window from
/// the options, and a scale-up to at most max(2 × current, 4).
/// </summary>
internal sealed class ScaleNormalizer(HorizontalPodAutoscalerOptions options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<NamespacedName, List<(int Replicas, DateTimeOffset At)>> _recommendations = [];
    private readonly Dictionary<NamespacedName, List<ScaleEvent>> _scaleUps = [];
    private readonly Dictionary<NamespacedName, List<ScaleEvent>> _scaleDowns = [];

    /// <summary>The first time an autoscaler is seen, its current count stands as a recommendation, so a restart does not scale down at once.</summary>
    public void RecordInitial(NamespacedName key, int currentReplicas, DateTimeOffset now)
    {
        lock (_lock)
        {
            _recommendations.TryAdd(key, [(currentReplicas, now)]);
        }
    }

    public void Forget(NamespacedName key)
    {
        lock (_lock)
        {
            _recommendations.Remove(key);
            _scaleUps.Remove(key);
            _scaleDowns.Remove(key);
        }
    }

    /// <summary>The count to set, with the AbleToScale and ScalingLimited reasons that explain it.</summary>
    public Normalized Normalize(NamespacedName key, HorizontalPodAutoscalerBehavior? behavior, int current, int desired, int min, int max, DateTimeOffset now)
    {
        lock (_lock)
        {
            return behavior is null
                ? NormalizeLegacy(key, current, desired, min, max, now)
                : NormalizeWithBehavior(key, WithDefaults(behavior), current, desired, min, max, now);
        }
    }

    /// <summary>Remembers a scale for the policies' periods (only autoscalers with a behavior have them).</summary>
    public void RecordScale(NamespacedName key, HorizontalPodAutoscalerBehavior? behavior, int previous, int replicas, DateTimeOffset now)
    {
        if (behavior is null)
        {
            return;
        }

        behavior = WithDefaults(behavior);
        lock (_lock)
        {
            var up = replicas > previous;
            var rules = up ? behavior.ScaleUp! : behavior.ScaleDown!;
            var events = up ? Events(_scaleUps, key) : Events(_scaleDowns, key);
            var longest = TimeSpan.FromSeconds(rules.Policies.Count == 0 ? 0 : rules.Policies.Max(p => p.PeriodSeconds));
            var change = new ScaleEvent(Math.Abs(replicas - previous), now);

            // Reuse a slot no policy period reaches any more.
            var outdated = events.FindLastIndex(e => e.At < now - longest);
            if (outdated >= 0)
            {
                events[outdated] = change;
            }
            else
            {
                events.Add(change);
            }
        }
    }

    /// <summary>Fills what a behavior leaves unset with Kubernetes' defaults, as the API server would.</summary>
    public HorizontalPodAutoscalerBehavior WithDefaults(HorizontalPodAutoscalerBehavior behavior) => new()
    {
        ScaleUp = new HpaScalingRules
        {
            StabilizationWindowSeconds = behavior.ScaleUp?.StabilizationWindowSeconds ?? 0,
            SelectPolicy = behavior.ScaleUp?.SelectPolicy ?? SelectPolicy.Max,
            Policies = behavior.ScaleUp?.Policies is { Count: > 0 } up
                ? up
                : [new HpaScalingPolicy { Type = PolicyType.Pods, Value = 4, PeriodSeconds = 15 }, new HpaScalingPolicy { Type = PolicyType.Percent, Value = 100, PeriodSeconds = 15 }],
            Tolerance = behavior.ScaleUp?.Tolerance,
        },
        ScaleDown = new HpaScalingRules
        {
            StabilizationWindowSeconds = behavior.ScaleDown?.StabilizationWindowSeconds ?? (int)options.DownscaleStabilizationWindow.TotalSeconds,
            SelectPolicy = behavior.ScaleDown?.SelectPolicy ?? SelectPolicy.Max,
            Policies = behavior.ScaleDown?.Policies is { Count: > 0 } down
                ? down
                : [new HpaScalingPolicy { Type = PolicyType.Percent, Value = 100, PeriodSeconds = 15 }],
            Tolerance = behavior.ScaleDown?.Tolerance,
        },
    };

    private Normalized NormalizeLegacy(NamespacedName key, int current, int desired, int min, int max, DateTimeOffset now)
    {
        // Stabilize: the highest recommendation within the window, replacing one that fell out of it.
        var recommendations = Recommendations(key);
        var cutoff = now - options.DownscaleStabilizationWindow;
        var stabilized = desired;
        var old = -1;
        for (var i = 0; i < recommendations.Count; i++)
        {
            if (recommendations[i].At < cutoff)
            {
                old = i;
            }
            else if (recommendations[i].Replicas > stabilized)
            {
                stabilized = recommendations[i].Replicas;
            }
        }

        Remember(recommendations, old, desired, now);
        var (able, ableMessage) = stabilized != desired
            ? ("ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation")
            : ("ReadyForNewScale", "recommended size matches current size");

        var scaleUpLimit = Math.Max(2 * current, 4);
        var (upperBound, upperReason, upperMessage) = max > scaleUpLimit
            ? (scaleUpLimit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
            : (max, "TooManyReplicas", "the desired replica count is more than the maximum replica count");
        var (replicas, limited, limitedMessage) = stabilized < min
            ? (min, "TooFewReplicas", "the desired replica count is less than the minimum replica count")
            : stabilized > upperBound
                ? (upperBound, upperReason, upperMessage)
                : (stabilized, "DesiredWithinRange", "the desired count is within the acceptable range");
        return new Normalized(replicas, able, ableMessage, replicas != stabilized, limited, limitedMessage);
    }

    private Normalized NormalizeWithBehavior(NamespacedName key, HorizontalPodAutoscalerBehavior behavior, int current, int desired, int min, int max, DateTimeOffset now)
    {
        var up = behavior.ScaleUp!;
        var down = behavior.ScaleDown!;
        var upWindow = up.StabilizationWindowSeconds ?? 0;
        var downWindow = down.StabilizationWindowSeconds ?? 0;

        // Stabilize: going up, the lowest recommendation of the scale-up window; going down, the
        // highest of the scale-down window.
        var scalingUp = desired >= current;
        var cutoff = now.AddSeconds(-(scalingUp ? upWindow : downWindow));
        var obsolete = now.AddSeconds(-Math.Max(upWindow, downWindow));
        var recommendations = Recommendations(key);
        var stabilized = desired;
        var old = -1;
        for (var i = 0; i < recommendations.Count; i++)
        {
            var (replicas, at) = recommendations[i];
            if (at > cutoff)
            {
                stabilized = scalingUp ? Math.Min(replicas, stabilized) : Math.Max(replicas, stabilized);
            }

            if (at < obsolete)
            {
                old = i;
            }
        }

        Remember(recommendations, old, desired, now);
        var (able, ableMessage) = stabilized == desired
            ? ("ReadyForNewScale", "recommended size matches current size")
            : scalingUp
                ? ("ScaleUpStabilized", "recent recommendations were lower than current one, applying the lowest recent recommendation")
                : ("ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation");

        var (result, limited, limitedMessage) = (stabilized, "DesiredWithinRange", "the desired count is within the acceptable range");
        if (stabilized > current)
        {
            var limit = Math.Max(current, PolicyLimit(key, current, up, up: true, now));
            var (bound, reason, message) = max > limit
                ? (limit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
                : (max, "TooManyReplicas", "the desired replica count is more than the maximum replica count");
            if (stabilized > bound)
            {
                (result, limited, limitedMessage) = (bound, reason, message);
            }
        }
        else if (stabilized < current)
        {
            var limit = Math.Min(current, PolicyLimit(key, current, down, up: false, now));
            var (bound, reason, message) = min < limit
                ? (limit, "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate")
                : (min, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
            if (stabilized < bound)
            {
                (result, limited, limitedMessage) = (bound, reason, message);
            }
        }

        return new Normalized(result, able, ableMessage, result != stabilized, limited, limitedMessage);
    }

    /// <summary>
    /// The bound the policies put on a scale now (the most replicas going up, the fewest going down),
    /// each policy counted from the replicas at the start of its period. Max picks the policy that
    /// allows the largest change, Min the smallest; Disabled allows none.
    /// </summary>
    private int PolicyLimit(NamespacedName key, int current, HpaScalingRules rules, bool up, DateTimeOffset now)
    {
        if (rules.SelectPolicy == SelectPolicy.Disabled)
        {
            return current;
        }

        var highest = up == (rules.SelectPolicy != SelectPolicy.Min);
        var result = highest ? int.MinValue : int.MaxValue;
        foreach (var policy in rules.Policies)
        {
            var start = current - ChangeWithin(_scaleUps, key, policy.PeriodSeconds, now) + ChangeWithin(_scaleDowns, key, policy.PeriodSeconds, now);
            var proposed = (policy.Type, up) switch
            {
                (PolicyType.Pods, true) => start + policy.Value,
                (PolicyType.Pods, false) => start - policy.Value,

                // Rounded up going up, or a small target might never grow; truncated going down.
                (_, true) => (int)Math.Ceiling(start * (1 + (policy.Value / 100.0))),
                (_, false) => (int)(start * (1 - (policy.Value / 100.0))),
            };
            result = highest ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }

        return result;
    }

    private static int ChangeWithin(Dictionary<NamespacedName, List<ScaleEvent>> events, NamespacedName key, int periodSeconds, DateTimeOffset now)
    {
        var cutoff = now.AddSeconds(-periodSeconds);
        return events.TryGetValue(key, out var list) ? list.Where(e => e.At > cutoff).Sum(e => e.Change) : 0;
    }

    private List<(int Replicas, DateTimeOffset At)> Recommendations(NamespacedName key)
    {
        if (!_recommendations.TryGetValue(key, out var list))
        {
            _recommendations[key] = list = [];
        }

        return list;
    }

    private static void Remember(List<(int Replicas, DateTimeOffset At)> recommendations, int old, int desired, DateTimeOffset now)
    {
        if (old >= 0)
        {
            recommendations[old] = (desired, now);
        }
        else
        {
            recommendations.Add((desired, now));
        }
    }

    private static List<ScaleEvent> Events(Dictionary<NamespacedName, List<ScaleEvent>> events, NamespacedName key)
    {
        if (!events.TryGetValue(key, out var list))
        {
            events[key] = list = [];
        }

        return list;
    }

    private readonly record struct ScaleEvent(int Change, DateTimeOffset At);
}

/// <summary>A normalized replica count and the conditions that explain it.</summary>
/// <param name="Replicas">The count to set.</param>
/// <param name="AbleReason">AbleToScale's reason: ReadyForNewScale, ScaleUpStabilized or ScaleDownStabilized.</param>
/// <param name="AbleMessage">AbleToScale's message.</param>
/// <param name="Limited">Whether a bound or policy changed the count (ScalingLimited's status).</param>
/// <param name="LimitedReason">ScalingLimited's reason, such as DesiredWithinRange, TooManyReplicas or ScaleDownLimit.</param>
/// <param name="LimitedMessage">ScalingLimited's message.</param>
internal readonly record struct Normalized(int Replicas, string AbleReason, string AbleMessage, bool Limited, string LimitedReason, string LimitedMessage);

/// <summary>The values of <see cref="HpaScalingRules.SelectPolicy"/>.</summary>
internal static class SelectPolicy
{
    public const string Max = "Max";
    public const string Min = "Min";
    public const string Disabled = "Disabled";
}

/// <summary>The values of <see cref="HpaScalingPolicy.Type"/>.</summary>
internal static class PolicyType
{
    public const string Pods = "Pods";
    public const string Percent = "Percent";
}
