using System.Text;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Autoscaling;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Api.Rbac;

namespace Containers.Orchestration.Validation;

/// <summary>
/// Kubernetes' defaulting of the built-in kinds (the values its SetDefaults functions fill in), so
/// that stored objects read as <c>kubectl get -o yaml</c> shows them: a pod's restartPolicy Always,
/// a Deployment's RollingUpdate 25%/25% with 10 old ReplicaSets and a 600 s deadline, a Job's
/// backoffLimit 6, a CronJob's Allow with history 3/1, a Service's ClusterIP and TCP, and so on.
/// A Secret's <c>stringData</c> is folded into <c>data</c>. Returns a new object; the input is unchanged.
/// </summary>
public static class KubeDefaults
{
    public const string DefaultSchedulerName = "default-scheduler";
    public const long DefaultTerminationGracePeriodSeconds = 30;

    public static T Apply<T>(T obj)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(obj);
        KubeObject result = obj switch
        {
            Pod pod => pod with { Spec = PodSpec(pod.Spec) },
            ReplicaSet rs => rs with { Spec = rs.Spec with { Replicas = rs.Spec.Replicas ?? 1, Template = Template(rs.Spec.Template) } },
            Deployment d => d with { Spec = Deployment(d.Spec) },
            StatefulSet sts => sts with { Spec = StatefulSet(sts.Spec) },
            DaemonSet ds => ds with { Spec = DaemonSet(ds.Spec) },
            Job job => job with { Spec = JobSpec(job.Spec) },
            CronJob cj => cj with
            {
                Spec = cj.Spec with
                {
                    ConcurrencyPolicy = cj.Spec.ConcurrencyPolicy ?? "Allow",
                    Suspend = cj.Spec.Suspend ?? false,
                    SuccessfulJobsHistoryLimit = cj.Spec.SuccessfulJobsHistoryLimit ?? 3,
                    FailedJobsHistoryLimit = cj.Spec.FailedJobsHistoryLimit ?? 1,
                    JobTemplate = cj.Spec.JobTemplate with { Spec = JobSpec(cj.Spec.JobTemplate.Spec) },
                },
            },
            Service svc => svc with { Spec = Service(svc.Spec) },
            Secret secret => Secret(secret),
            PersistentVolumeClaim pvc => pvc with { Spec = ClaimSpec(pvc.Spec) },
            HorizontalPodAutoscaler hpa => hpa with { Spec = Hpa(hpa.Spec) },
            RoleBinding rb => rb with { Subjects = Subjects(rb.Subjects) },
            ClusterRoleBinding crb => crb with { Subjects = Subjects(crb.Subjects) },
            _ => obj,
        };
        return (T)result;
    }

    /// <summary>
    /// The pull policy Kubernetes picks when none is given: Always for <c>:latest</c> or an image
    /// without a tag or digest, IfNotPresent otherwise.
    /// </summary>
    public static string ImagePullPolicyFor(string? image)
    {
        if (string.IsNullOrEmpty(image) || image.Contains('@', StringComparison.Ordinal))
        {
            return image?.Contains('@', StringComparison.Ordinal) == true ? PullPolicy.IfNotPresent : PullPolicy.Always;
        }

        var lastSlash = image.LastIndexOf('/');
        var colon = image.IndexOf(':', lastSlash + 1);
        return colon < 0 || image[(colon + 1)..] == "latest" ? PullPolicy.Always : PullPolicy.IfNotPresent;
    }

    private static PodTemplateSpec Template(PodTemplateSpec template) => template with { Spec = PodSpec(template.Spec) };

    private static PodSpec PodSpec(PodSpec spec) => spec with
    {
        RestartPolicy = spec.RestartPolicy ?? RestartPolicy.Always,
        DnsPolicy = spec.DnsPolicy ?? "ClusterFirst",
        TerminationGracePeriodSeconds = spec.TerminationGracePeriodSeconds ?? DefaultTerminationGracePeriodSeconds,
        SchedulerName = spec.SchedulerName ?? DefaultSchedulerName,
        SecurityContext = spec.SecurityContext ?? new PodSecurityContext(),
        EnableServiceLinks = spec.EnableServiceLinks ?? true,
        ServiceAccountName = spec.ServiceAccountName ?? spec.ServiceAccount,
        Containers = [.. spec.Containers.Select(Container)],
        InitContainers = [.. spec.InitContainers.Select(Container)],
        Volumes = [.. spec.Volumes.Select(Volume)],
    };

    private static Container Container(Container c) => c with
    {
        ImagePullPolicy = c.ImagePullPolicy ?? ImagePullPolicyFor(c.Image),
        TerminationMessagePath = c.TerminationMessagePath ?? "/dev/termination-log",
        TerminationMessagePolicy = c.TerminationMessagePolicy ?? "File",
        Ports = [.. c.Ports.Select(p => p with { Protocol = p.Protocol ?? Protocol.Tcp })],
        LivenessProbe = Probe(c.LivenessProbe),
        ReadinessProbe = Probe(c.ReadinessProbe),
        StartupProbe = Probe(c.StartupProbe),
        Env = [.. c.Env.Select(e => e.ValueFrom?.FieldRef is { ApiVersion: null } field
            ? e with { ValueFrom = e.ValueFrom with { FieldRef = field with { ApiVersion = "v1" } } }
            : e)],
    };

    private static Probe? Probe(Probe? probe) => probe is null ? null : probe with
    {
        TimeoutSeconds = probe.TimeoutSeconds ?? 1,
        PeriodSeconds = probe.PeriodSeconds ?? 10,
        SuccessThreshold = probe.SuccessThreshold ?? 1,
        FailureThreshold = probe.FailureThreshold ?? 3,
        HttpGet = probe.HttpGet is { } http ? http with { Scheme = http.Scheme ?? "HTTP", Path = http.Path ?? "/" } : null,
    };

    private static Volume Volume(Volume v) => v with
    {
        ConfigMap = v.ConfigMap is { } cm ? cm with { DefaultMode = cm.DefaultMode ?? 420 } : null,
        Secret = v.Secret is { } s ? s with { DefaultMode = s.DefaultMode ?? 420 } : null,
        HostPath = v.HostPath is { } h ? h with { Type = h.Type ?? string.Empty } : null,
        Image = v.Image is { } image ? image with { PullPolicy = image.PullPolicy ?? ImagePullPolicyFor(image.Reference) } : null,
    };

    private static DeploymentSpec Deployment(DeploymentSpec spec)
    {
        var strategy = spec.Strategy.Type ?? "RollingUpdate";
        return spec with
        {
            Replicas = spec.Replicas ?? 1,
            RevisionHistoryLimit = spec.RevisionHistoryLimit ?? 10,
            ProgressDeadlineSeconds = spec.ProgressDeadlineSeconds ?? 600,
            Strategy = strategy == "RollingUpdate"
                ? new DeploymentStrategy
                {
                    Type = strategy,
                    RollingUpdate = new RollingUpdateDeployment
                    {
                        MaxUnavailable = spec.Strategy.RollingUpdate?.MaxUnavailable ?? "25%",
                        MaxSurge = spec.Strategy.RollingUpdate?.MaxSurge ?? "25%",
                    },
                }
                : spec.Strategy with { Type = strategy },
            Template = Template(spec.Template),
        };
    }

    private static StatefulSetSpec StatefulSet(StatefulSetSpec spec)
    {
        var type = spec.UpdateStrategy.Type ?? "RollingUpdate";
        return spec with
        {
            Replicas = spec.Replicas ?? 1,
            PodManagementPolicy = spec.PodManagementPolicy ?? "OrderedReady",
            RevisionHistoryLimit = spec.RevisionHistoryLimit ?? 10,
            UpdateStrategy = type == "RollingUpdate"
                ? new StatefulSetUpdateStrategy
                {
                    Type = type,
                    RollingUpdate = (spec.UpdateStrategy.RollingUpdate ?? new RollingUpdateStatefulSetStrategy()) with
                    {
                        Partition = spec.UpdateStrategy.RollingUpdate?.Partition ?? 0,
                    },
                }
                : spec.UpdateStrategy with { Type = type },
            PersistentVolumeClaimRetentionPolicy = new StatefulSetPersistentVolumeClaimRetentionPolicy
            {
                WhenDeleted = spec.PersistentVolumeClaimRetentionPolicy?.WhenDeleted ?? "Retain",
                WhenScaled = spec.PersistentVolumeClaimRetentionPolicy?.WhenScaled ?? "Retain",
            },
            VolumeClaimTemplates = [.. spec.VolumeClaimTemplates.Select(c => c with { Spec = ClaimSpec(c.Spec) })],
            Template = Template(spec.Template),
        };
    }

    private static DaemonSetSpec DaemonSet(DaemonSetSpec spec)
    {
        var type = spec.UpdateStrategy.Type ?? "RollingUpdate";
        return spec with
        {
            RevisionHistoryLimit = spec.RevisionHistoryLimit ?? 10,
            UpdateStrategy = type == "RollingUpdate"
                ? new DaemonSetUpdateStrategy
                {
                    Type = type,
                    RollingUpdate = new RollingUpdateDaemonSet
                    {
                        MaxUnavailable = spec.UpdateStrategy.RollingUpdate?.MaxUnavailable ?? 1,
                        MaxSurge = spec.UpdateStrategy.RollingUpdate?.MaxSurge ?? 0,
                    },
                }
                : spec.UpdateStrategy with { Type = type },
            Template = Template(spec.Template),
        };
    }

    private static JobSpec JobSpec(JobSpec spec)
    {
        // Neither set: one pod to one success. Completions only: one at a time. Parallelism only: a work queue.
        var (completions, parallelism) = (spec.Completions, spec.Parallelism) switch
        {
            (null, null) => ((int?)1, (int?)1),
            (not null, null) => (spec.Completions, 1),
            _ => (spec.Completions, spec.Parallelism),
        };
        return spec with
        {
            Completions = completions,
            Parallelism = parallelism,
            BackoffLimit = spec.BackoffLimit ?? (spec.BackoffLimitPerIndex is null ? 6 : int.MaxValue),
            CompletionMode = spec.CompletionMode ?? "NonIndexed",
            Suspend = spec.Suspend ?? false,
            ManualSelector = spec.ManualSelector,
            PodReplacementPolicy = spec.PodReplacementPolicy ?? (spec.PodFailurePolicy is null ? "TerminatingOrFailed" : "Failed"),
            Template = Template(spec.Template),
        };
    }

    private static ServiceSpec Service(ServiceSpec spec)
    {
        var type = spec.Type ?? "ClusterIP";
        return spec with
        {
            Type = type,
            SessionAffinity = spec.SessionAffinity ?? "None",
            InternalTrafficPolicy = type == "ExternalName" ? spec.InternalTrafficPolicy : spec.InternalTrafficPolicy ?? "Cluster",
            Ports = [.. spec.Ports.Select(p => p with
            {
                Protocol = p.Protocol ?? Protocol.Tcp,
                TargetPort = p.TargetPort is null or { IsString: false, IntValue: 0 } ? new IntOrString(p.Port) : p.TargetPort,
            })],
        };
    }

    private static Secret Secret(Secret secret)
    {
        if (secret.StringData.Count == 0 && secret.Type is not null)
        {
            return secret;
        }

        var data = new Dictionary<string, byte[]>(secret.Data, StringComparer.Ordinal);
        foreach (var (key, value) in secret.StringData)
        {
            data[key] = Encoding.UTF8.GetBytes(value ?? string.Empty);
        }

        return secret with { Data = data, StringData = new Dictionary<string, string>(), Type = secret.Type ?? "Opaque" };
    }

    private static PersistentVolumeClaimSpec ClaimSpec(PersistentVolumeClaimSpec spec) =>
        spec with { VolumeMode = spec.VolumeMode ?? "Filesystem" };

    private static HorizontalPodAutoscalerSpec Hpa(HorizontalPodAutoscalerSpec spec) => spec with
    {
        MinReplicas = spec.MinReplicas ?? 1,
        Metrics = spec.Metrics.Count > 0
            ? spec.Metrics
            : [new MetricSpec { Type = "Resource", Resource = new ResourceMetricSource { Name = ResourceNames.Cpu, Target = new MetricTarget { Type = "Utilization", AverageUtilization = 80 } } }],
        Behavior = spec.Behavior is { } behavior
            ? new HorizontalPodAutoscalerBehavior { ScaleUp = ScaleUp(behavior.ScaleUp), ScaleDown = ScaleDown(behavior.ScaleDown) }
            : null,
    };

    /// <summary>Scale-up defaults: no stabilization, the faster of doubling or four pods per 15 s.</summary>
    private static HpaScalingRules ScaleUp(HpaScalingRules? rules) => new()
    {
        StabilizationWindowSeconds = rules?.StabilizationWindowSeconds ?? 0,
        SelectPolicy = rules?.SelectPolicy ?? "Max",
        Policies = rules?.Policies is { Count: > 0 } policies
            ? policies
            : [new HpaScalingPolicy { Type = "Percent", Value = 100, PeriodSeconds = 15 }, new HpaScalingPolicy { Type = "Pods", Value = 4, PeriodSeconds = 15 }],
        Tolerance = rules?.Tolerance,
    };

    /// <summary>Scale-down defaults: a five-minute stabilization window, up to all pods per 15 s.</summary>
    private static HpaScalingRules ScaleDown(HpaScalingRules? rules) => new()
    {
        StabilizationWindowSeconds = rules?.StabilizationWindowSeconds ?? 300,
        SelectPolicy = rules?.SelectPolicy ?? "Max",
        Policies = rules?.Policies is { Count: > 0 } policies ? policies : [new HpaScalingPolicy { Type = "Percent", Value = 100, PeriodSeconds = 15 }],
        Tolerance = rules?.Tolerance,
    };

    private static IReadOnlyList<Subject> Subjects(IReadOnlyList<Subject> subjects) =>
        [.. subjects.Select(s => s.ApiGroup is null && s.Kind is "User" or "Group" ? s with { ApiGroup = RbacV1.Group } : s)];
}
