using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Tests.Controllers.Testing;

/// <summary>Small objects for controller tests.</summary>
internal static class TestObjects
{
    public static Pod Pod(string name, string ns = "default", IReadOnlyDictionary<string, string>? labels = null, string? node = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = labels ?? new Dictionary<string, string>() },
        Spec = new PodSpec
        {
            NodeName = node,
            Containers = [new Container { Name = "app", Image = "busybox" }],
        },
    };

    public static Dictionary<string, string> Labels(params string[] pairs)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            labels[pair[..eq]] = pair[(eq + 1)..];
        }

        return labels;
    }

    public static PodTemplateSpec Template(string app, string image = "busybox") => new()
    {
        Metadata = new ObjectMeta { Labels = Labels("app=" + app) },
        Spec = new PodSpec { Containers = [new Container { Name = "app", Image = image }] },
    };

    public static PodTemplateSpec WithReadinessProbe(PodTemplateSpec template, int periodSeconds = 5) => template with
    {
        Spec = template.Spec with
        {
            Containers = [.. template.Spec.Containers.Select(c => c with { ReadinessProbe = new Probe { PeriodSeconds = periodSeconds } })],
        },
    };

    public static ReplicaSet ReplicaSet(string name, int replicas, string ns = "default") => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Spec = new ReplicaSetSpec
        {
            Replicas = replicas,
            Selector = LabelSelector.FromLabels(Labels("app=" + name)),
            Template = Template(name),
        },
    };

    public static Deployment Deployment(string name, int replicas, IntOrString? maxSurge = null, IntOrString? maxUnavailable = null, string ns = "default") => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Spec = new DeploymentSpec
        {
            Replicas = replicas,
            Selector = LabelSelector.FromLabels(Labels("app=" + name)),
            Template = Template(name, "nginx:1.0"),
            Strategy = new DeploymentStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = new RollingUpdateDeployment { MaxSurge = maxSurge ?? "25%", MaxUnavailable = maxUnavailable ?? "25%" },
            },
        },
    };

    public static Deployment WithImage(Deployment d, string image) => d with
    {
        Spec = d.Spec with
        {
            Template = d.Spec.Template with
            {
                Spec = d.Spec.Template.Spec with { Containers = [.. d.Spec.Template.Spec.Containers.Select(c => c with { Image = image })] },
            },
        },
    };

    public static StatefulSet StatefulSet(string name, int replicas, string ns = "default") => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Spec = new StatefulSetSpec
        {
            Replicas = replicas,
            ServiceName = name,
            Selector = LabelSelector.FromLabels(Labels("app=" + name)),
            Template = WithReadinessProbe(Template(name, "nginx:1.0"), periodSeconds: 1),
            VolumeClaimTemplates =
            [
                new PersistentVolumeClaim
                {
                    Metadata = new ObjectMeta { Name = "data" },
                    Spec = new PersistentVolumeClaimSpec
                    {
                        AccessModes = ["ReadWriteOnce"],
                        Resources = new VolumeResourceRequirements { Requests = new Dictionary<string, Quantity> { [ResourceNames.Storage] = Quantity.Parse("1Gi") } },
                    },
                },
            ],
        },
    };
}
