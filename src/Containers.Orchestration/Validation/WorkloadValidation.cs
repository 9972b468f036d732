using System.Text.RegularExpressions;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Validation;

/// <summary>Kubernetes' rules for the workload kinds of apps/v1 and batch/v1.</summary>
internal static partial class WorkloadValidation
{
    private static readonly string[] OnlyAlways = [RestartPolicy.Always];
    private static readonly string[] JobRestartPolicies = [RestartPolicy.OnFailure, RestartPolicy.Never];

    public static void Deployment(Deployment d, FieldPath spec, ValidationErrors errors)
    {
        var s = d.Spec;
        errors.NonNegative(spec.Child("replicas"), s.Replicas);
        Template(s.Template, s.Selector, required: true, spec, OnlyAlways, errors);
        errors.NonNegative(spec.Child("minReadySeconds"), s.MinReadySeconds);
        errors.NonNegative(spec.Child("revisionHistoryLimit"), s.RevisionHistoryLimit);
        if (s.ProgressDeadlineSeconds is { } deadline)
        {
            errors.NonNegative(spec.Child("progressDeadlineSeconds"), deadline);
            if (deadline <= (s.MinReadySeconds ?? 0))
            {
                errors.Invalid(spec.Child("progressDeadlineSeconds"), deadline, "must be greater than minReadySeconds");
            }
        }

        var strategy = spec.Child("strategy");
        switch (s.Strategy.Type)
        {
            case "Recreate":
                if (s.Strategy.RollingUpdate is not null)
                {
                    errors.Forbidden(strategy.Child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'");
                }

                break;
            case null or "RollingUpdate":
                if (s.Strategy.RollingUpdate is { } rolling)
                {
                    var surge = IntOrPercent(rolling.MaxSurge, strategy.Child("rollingUpdate").Child("maxSurge"), errors);
                    var unavailable = IntOrPercent(rolling.MaxUnavailable, strategy.Child("rollingUpdate").Child("maxUnavailable"), errors);
                    if (rolling.MaxUnavailable is { IsPercent: true } && unavailable > 100)
                    {
                        errors.Invalid(strategy.Child("rollingUpdate").Child("maxUnavailable"), rolling.MaxUnavailable.Value.StringValue, "must not be greater than 100%");
                    }

                    if (surge == 0 && unavailable == 0 && rolling.MaxSurge is not null && rolling.MaxUnavailable is not null)
                    {
                        errors.Invalid(strategy.Child("rollingUpdate").Child("maxUnavailable"), rolling.MaxUnavailable.Value.StringValue, "may not be 0 when `maxSurge` is 0");
                    }
                }

                break;
            default:
                errors.NotSupported(strategy.Child("type"), s.Strategy.Type, "Recreate", "RollingUpdate");
                break;
        }
    }

    public static void ReplicaSet(ReplicaSet rs, FieldPath spec, ValidationErrors errors)
    {
        errors.NonNegative(spec.Child("replicas"), rs.Spec.Replicas);
        errors.NonNegative(spec.Child("minReadySeconds"), rs.Spec.MinReadySeconds);
        Template(rs.Spec.Template, rs.Spec.Selector, required: true, spec, OnlyAlways, errors);
    }

    public static void StatefulSet(StatefulSet sts, FieldPath spec, ValidationErrors errors)
    {
        var s = sts.Spec;
        errors.NonNegative(spec.Child("replicas"), s.Replicas);
        errors.NonNegative(spec.Child("minReadySeconds"), s.MinReadySeconds);
        errors.NonNegative(spec.Child("revisionHistoryLimit"), s.RevisionHistoryLimit);
        Template(s.Template, s.Selector, required: true, spec, OnlyAlways, errors, s.VolumeClaimTemplates.Select(c => c.Metadata.Name ?? string.Empty));
        errors.OneOf(spec.Child("podManagementPolicy"), s.PodManagementPolicy, "OrderedReady", "Parallel");
        if (!string.IsNullOrEmpty(s.ServiceName))
        {
            errors.InvalidEach(spec.Child("serviceName"), s.ServiceName, KubeNames.ValidateDns1123Label(s.ServiceName));
        }

        var update = spec.Child("updateStrategy");
        switch (s.UpdateStrategy.Type)
        {
            case null or "RollingUpdate":
                if (s.UpdateStrategy.RollingUpdate is { } rolling)
                {
                    errors.NonNegative(update.Child("rollingUpdate").Child("partition"), rolling.Partition);
                    if (rolling.MaxUnavailable is { } max && IntOrPercent(max, update.Child("rollingUpdate").Child("maxUnavailable"), errors) == 0)
                    {
                        errors.Invalid(update.Child("rollingUpdate").Child("maxUnavailable"), max.StringValue, "must be greater than 0");
                    }
                }

                break;
            case "OnDelete":
                if (s.UpdateStrategy.RollingUpdate is not null)
                {
                    errors.Invalid(update.Child("rollingUpdate"), null, "only allowed for updateStrategy 'RollingUpdate'");
                }

                break;
            default:
                errors.NotSupported(update.Child("type"), s.UpdateStrategy.Type, "OnDelete", "RollingUpdate");
                break;
        }

        if (s.PersistentVolumeClaimRetentionPolicy is { } retention)
        {
            errors.OneOf(spec.Child("persistentVolumeClaimRetentionPolicy").Child("whenDeleted"), retention.WhenDeleted, "Retain", "Delete");
            errors.OneOf(spec.Child("persistentVolumeClaimRetentionPolicy").Child("whenScaled"), retention.WhenScaled, "Retain", "Delete");
        }

        if (s.Ordinals is { Start: < 0 })
        {
            errors.Invalid(spec.Child("ordinals").Child("start"), s.Ordinals.Start.Value, "must be greater than or equal to 0");
        }

        var claimNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < s.VolumeClaimTemplates.Count; i++)
        {
            var claim = s.VolumeClaimTemplates[i];
            var at = spec.Child("volumeClaimTemplates").Index(i);
            if (string.IsNullOrEmpty(claim.Metadata.Name))
            {
                errors.Required(at.Child("metadata").Child("name"));
            }
            else
            {
                errors.InvalidEach(at.Child("metadata").Child("name"), claim.Metadata.Name, KubeNames.ValidateDns1123Label(claim.Metadata.Name));
                if (!claimNames.Add(claim.Metadata.Name))
                {
                    errors.Duplicate(at.Child("metadata").Child("name"), claim.Metadata.Name);
                }
            }

            MetadataValidation.Labels(claim.Metadata.Labels, at.Child("metadata").Child("labels"), errors);
            CoreValidation.ClaimSpec(claim.Spec, at.Child("spec"), errors);
        }
    }

    public static void DaemonSet(DaemonSet ds, FieldPath spec, ValidationErrors errors)
    {
        var s = ds.Spec;
        Template(s.Template, s.Selector, required: true, spec, OnlyAlways, errors);
        errors.NonNegative(spec.Child("minReadySeconds"), s.MinReadySeconds);
        errors.NonNegative(spec.Child("revisionHistoryLimit"), s.RevisionHistoryLimit);
        var update = spec.Child("updateStrategy");
        switch (s.UpdateStrategy.Type)
        {
            case null or "RollingUpdate":
                if (s.UpdateStrategy.RollingUpdate is { } rolling)
                {
                    var unavailable = IntOrPercent(rolling.MaxUnavailable, update.Child("rollingUpdate").Child("maxUnavailable"), errors);
                    var surge = IntOrPercent(rolling.MaxSurge, update.Child("rollingUpdate").Child("maxSurge"), errors);
                    if (unavailable == 0 && surge is 0 or -1 && rolling.MaxUnavailable is not null)
                    {
                        errors.Invalid(update.Child("rollingUpdate").Child("maxUnavailable"), rolling.MaxUnavailable.Value.StringValue, "may not be 0 when `maxSurge` is 0");
                    }
                }

                break;
            case "OnDelete":
                break;
            default:
                errors.NotSupported(update.Child("type"), s.UpdateStrategy.Type, "OnDelete", "RollingUpdate");
                break;
        }
    }

    public static void JobSpec(JobSpec s, FieldPath spec, ValidationErrors errors)
    {
        errors.NonNegative(spec.Child("parallelism"), s.Parallelism);
        errors.NonNegative(spec.Child("completions"), s.Completions);
        errors.NonNegative(spec.Child("backoffLimit"), s.BackoffLimit);
        errors.NonNegative(spec.Child("ttlSecondsAfterFinished"), s.TtlSecondsAfterFinished);
        errors.Positive(spec.Child("activeDeadlineSeconds"), s.ActiveDeadlineSeconds);
        errors.OneOf(spec.Child("completionMode"), s.CompletionMode, "NonIndexed", "Indexed");
        errors.OneOf(spec.Child("podReplacementPolicy"), s.PodReplacementPolicy, "TerminatingOrFailed", "Failed");
        if (s.CompletionMode == "Indexed" && s.Completions is null)
        {
            errors.Required(spec.Child("completions"), "when completion mode is Indexed");
        }

        if (s.BackoffLimitPerIndex is not null && s.CompletionMode != "Indexed")
        {
            errors.Invalid(spec.Child("backoffLimitPerIndex"), s.BackoffLimitPerIndex.Value, "requires indexed completion mode");
        }

        // The API server generates the selector from the Job's uid unless manualSelector is true.
        Template(s.Template, s.Selector, required: s.ManualSelector == true, spec, JobRestartPolicies, errors);
    }

    public static void CronJob(CronJob cj, FieldPath spec, ValidationErrors errors)
    {
        var s = cj.Spec;
        if (s.Schedule.Length == 0)
        {
            errors.Required(spec.Child("schedule"));
        }
        else if (s.Schedule.Contains("TZ", StringComparison.Ordinal))
        {
            errors.Invalid(spec.Child("schedule"), s.Schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
        }
        else if (!IsCronSchedule(s.Schedule))
        {
            errors.Invalid(spec.Child("schedule"), s.Schedule, "unparseable schedule: write five fields (minute hour day-of-month month day-of-week) or a macro such as @hourly");
        }

        if (s.TimeZone is { } zone && !IsTimeZone(zone))
        {
            errors.Invalid(spec.Child("timeZone"), zone, "unknown time zone " + zone);
        }

        errors.OneOf(spec.Child("concurrencyPolicy"), s.ConcurrencyPolicy, "Allow", "Forbid", "Replace");
        errors.NonNegative(spec.Child("startingDeadlineSeconds"), s.StartingDeadlineSeconds);
        errors.NonNegative(spec.Child("successfulJobsHistoryLimit"), s.SuccessfulJobsHistoryLimit);
        errors.NonNegative(spec.Child("failedJobsHistoryLimit"), s.FailedJobsHistoryLimit);
        MetadataValidation.Labels(s.JobTemplate.Metadata.Labels, spec.Child("jobTemplate").Child("metadata").Child("labels"), errors);
        JobSpec(s.JobTemplate.Spec, spec.Child("jobTemplate").Child("spec"), errors);
    }

    /// <summary>
    /// A pod template with its selector: the selector is required (when <paramref name="required"/>)
    /// and not empty, and it must select the template's own labels.
    /// </summary>
    private static void Template(PodTemplateSpec template, LabelSelector? selector, bool required, FieldPath spec, string[] restartPolicies, ValidationErrors errors, IEnumerable<string>? claimVolumes = null)
    {
        var at = spec.Child("template");
        if (selector is null)
        {
            if (required)
            {
                errors.Required(spec.Child("selector"));
            }
        }
        else
        {
            MetadataValidation.LabelSelector(selector, spec.Child("selector"), errors);
            if (selector.IsEmpty)
            {
                errors.Invalid(spec.Child("selector"), selector.ToString(), "empty selector is invalid for deployment");
            }
            else if (!selector.Matches(template.Metadata.Labels))
            {
                errors.Invalid(at.Child("metadata").Child("labels"), new LiteralValue(GoMap(template.Metadata.Labels)), "`selector` does not match template `labels`");
            }
        }

        MetadataValidation.Labels(template.Metadata.Labels, at.Child("metadata").Child("labels"), errors);
        MetadataValidation.Annotations(template.Metadata.Annotations, at.Child("metadata").Child("annotations"), errors);
        PodValidation.PodSpec(template.Spec, at.Child("spec"), errors, claimVolumes);
        var restart = template.Spec.RestartPolicy ?? RestartPolicy.Always;
        if (!restartPolicies.Contains(restart, StringComparer.Ordinal))
        {
            errors.NotSupported(at.Child("spec").Child("restartPolicy"), restart, restartPolicies);
        }
    }

    /// <summary>Checks an int-or-percent field and returns its number (the percentage for "25%"), or -1 when unset or invalid.</summary>
    private static int IntOrPercent(IntOrString? value, FieldPath path, ValidationErrors errors)
    {
        if (value is not { } v)
        {
            return -1;
        }

        if (!v.IsString)
        {
            errors.NonNegative(path, v.IntValue);
            return v.IntValue;
        }

        if (v.IsPercent && int.TryParse(v.StringValue.AsSpan(0, v.StringValue.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var percent))
        {
            return percent;
        }

        errors.Invalid(path, v.StringValue, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
        return -1;
    }

    private static string GoMap(IReadOnlyDictionary<string, string> map) =>
        "map[string]string{" + string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"\"{p.Key}\":\"{p.Value}\"")) + "}";

    private static bool IsCronSchedule(string schedule)
    {
        var trimmed = schedule.Trim();
        if (trimmed.StartsWith('@'))
        {
            return trimmed is "@yearly" or "@annually" or "@monthly" or "@weekly" or "@daily" or "@midnight" or "@hourly";
        }

        var fields = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 5 && fields.All(f => CronField().IsMatch(f));
    }

    private static bool IsTimeZone(string zone)
    {
        try
        {
            return zone.Length > 0 && TimeZoneInfo.FindSystemTimeZoneById(zone) is not null;
        }
        catch (TimeZoneNotFoundException)
        {
            return false;
        }
        catch (InvalidTimeZoneException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^[0-9A-Za-z*?/,\-LW#]+$", RegexOptions.CultureInvariant)]
    private static partial Regex CronField();
}
