using System.Text;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Autoscaling;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Serialization;
using Containers.Orchestration.Validation;

namespace Containers.Orchestration.Tests.Validation;

public sealed class KubeDefaultsTests
{
    private static readonly PodTemplateSpec Template = new()
    {
        Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "x" } },
        Spec = new PodSpec { Containers = [new Container { Name = "c", Image = "nginx", Ports = [new ContainerPortSpec { ContainerPort = 80 }], LivenessProbe = new Probe { HttpGet = new HttpGetAction { Port = 80 } } }] },
    };

    [Test]
    public void Deployment_GetsKubernetesDefaults()
    {
        var d = KubeDefaults.Apply(new Deployment { Spec = new DeploymentSpec { Template = Template } });

        Assert.Multiple(() =>
        {
            Assert.That(d.Spec.Replicas, Is.EqualTo(1));
            Assert.That(d.Spec.Strategy.Type, Is.EqualTo("RollingUpdate"));
            Assert.That(d.Spec.Strategy.RollingUpdate!.MaxSurge, Is.EqualTo(new IntOrString("25%")));
            Assert.That(d.Spec.Strategy.RollingUpdate!.MaxUnavailable, Is.EqualTo(new IntOrString("25%")));
            Assert.That(d.Spec.RevisionHistoryLimit, Is.EqualTo(10));
            Assert.That(d.Spec.ProgressDeadlineSeconds, Is.EqualTo(600));
            var pod = d.Spec.Template.Spec;
            Assert.That(pod.RestartPolicy, Is.EqualTo("Always"));
            Assert.That(pod.TerminationGracePeriodSeconds, Is.EqualTo(30));
            Assert.That(pod.DnsPolicy, Is.EqualTo("ClusterFirst"));
            Assert.That(pod.SchedulerName, Is.EqualTo("default-scheduler"));
            Assert.That(pod.Containers[0].ImagePullPolicy, Is.EqualTo("Always"), "no tag means latest");
            Assert.That(pod.Containers[0].Ports[0].Protocol, Is.EqualTo("TCP"));
            Assert.That(pod.Containers[0].TerminationMessagePath, Is.EqualTo("/dev/termination-log"));
            var probe = pod.Containers[0].LivenessProbe!;
            Assert.That((probe.TimeoutSeconds, probe.PeriodSeconds, probe.SuccessThreshold, probe.FailureThreshold, probe.HttpGet!.Scheme), Is.EqualTo((1, 10, 1, 3, "HTTP")));
        });
    }

    [Test]
    public void Deployment_Recreate_KeepsNoRollingUpdate()
    {
        var d = KubeDefaults.Apply(new Deployment { Spec = new DeploymentSpec { Strategy = new DeploymentStrategy { Type = "Recreate" }, Template = Template } });

        Assert.That(d.Spec.Strategy.RollingUpdate, Is.Null);
    }

    [TestCase("nginx", "Always")]
    [TestCase("nginx:latest", "Always")]
    [TestCase("nginx:1.25", "IfNotPresent")]
    [TestCase("registry:5000/nginx", "Always")]
    [TestCase("registry:5000/nginx:1", "IfNotPresent")]
    [TestCase("nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000", "IfNotPresent")]
    public void ImagePullPolicy_FollowsTheTag(string image, string policy) =>
        Assert.That(KubeDefaults.ImagePullPolicyFor(image), Is.EqualTo(policy));

    [Test]
    public void StatefulSet_GetsOrderedReadyAndPartitionZero()
    {
        var s = KubeDefaults.Apply(new StatefulSet { Spec = new StatefulSetSpec { Template = Template } }).Spec;

        Assert.That((s.Replicas, s.PodManagementPolicy, s.UpdateStrategy.Type, s.UpdateStrategy.RollingUpdate!.Partition, s.RevisionHistoryLimit), Is.EqualTo((1, "OrderedReady", "RollingUpdate", 0, 10)));
        Assert.That(s.PersistentVolumeClaimRetentionPolicy!.WhenDeleted, Is.EqualTo("Retain"));
    }

    [Test]
    public void DaemonSet_GetsMaxUnavailableOne()
    {
        var s = KubeDefaults.Apply(new DaemonSet { Spec = new DaemonSetSpec { Template = Template } }).Spec;

        Assert.That((s.UpdateStrategy.Type, s.UpdateStrategy.RollingUpdate!.MaxUnavailable, s.UpdateStrategy.RollingUpdate.MaxSurge), Is.EqualTo(("RollingUpdate", (IntOrString?)1, (IntOrString?)0)));
    }

    [TestCase(null, null, 1, 1)]
    [TestCase(5, null, 5, 1)]
    [TestCase(null, 3, null, 3)]
    [TestCase(5, 2, 5, 2)]
    public void Job_CompletionsAndParallelism(int? completions, int? parallelism, int? expectedCompletions, int? expectedParallelism)
    {
        var s = KubeDefaults.Apply(new Job { Spec = new JobSpec { Completions = completions, Parallelism = parallelism, Template = Template } }).Spec;

        Assert.That((s.Completions, s.Parallelism, s.BackoffLimit, s.CompletionMode), Is.EqualTo((expectedCompletions, expectedParallelism, (int?)6, "NonIndexed")));
    }

    [Test]
    public void CronJob_GetsAllowAndHistoryLimits()
    {
        var s = KubeDefaults.Apply(new CronJob { Spec = new CronJobSpec { Schedule = "@hourly" } }).Spec;

        Assert.That((s.ConcurrencyPolicy, s.SuccessfulJobsHistoryLimit, s.FailedJobsHistoryLimit, s.Suspend), Is.EqualTo(("Allow", (int?)3, (int?)1, (bool?)false)));
        Assert.That(s.JobTemplate.Spec.BackoffLimit, Is.EqualTo(6));
    }

    [Test]
    public void Service_GetsClusterIPTypeTcpAndTargetPort()
    {
        var s = KubeDefaults.Apply(new Service { Spec = new ServiceSpec { Ports = [new ServicePort { Port = 8080 }, new ServicePort { Port = 53, Protocol = "UDP", TargetPort = "dns" }] } }).Spec;

        Assert.That((s.Type, s.SessionAffinity), Is.EqualTo(("ClusterIP", "None")));
        Assert.That(s.Ports.Select(p => (p.Protocol, p.TargetPort)), Is.EqualTo(new[] { ("TCP", (IntOrString?)8080), ("UDP", (IntOrString?)"dns") }));
    }

    [Test]
    public void Secret_StringDataFoldsIntoData()
    {
        var secret = KubeDefaults.Apply(new Secret
        {
            Data = new Dictionary<string, byte[]> { ["user"] = "admin"u8.ToArray(), ["password"] = "old"u8.ToArray() },
            StringData = new Dictionary<string, string> { ["password"] = "new" },
        });

        Assert.That(secret.StringData, Is.Empty);
        Assert.That(secret.Type, Is.EqualTo("Opaque"));
        Assert.That(secret.Data.ToDictionary(p => p.Key, p => Encoding.UTF8.GetString(p.Value)), Is.EqualTo(new Dictionary<string, string> { ["user"] = "admin", ["password"] = "new" }));
        Assert.That(KubeJson.Serialize(secret), Does.Contain("\"password\":\"bmV3\""), "data is base64 in JSON");
    }

    [Test]
    public void Hpa_GetsMinOneAndCpuEighty_AndBehaviorDefaultsOnlyWhenGiven()
    {
        var plain = KubeDefaults.Apply(new HorizontalPodAutoscaler { Spec = new HorizontalPodAutoscalerSpec { MaxReplicas = 5 } }).Spec;
        var withBehavior = KubeDefaults.Apply(new HorizontalPodAutoscaler { Spec = new HorizontalPodAutoscalerSpec { MaxReplicas = 5, Behavior = new HorizontalPodAutoscalerBehavior() } }).Spec;

        Assert.That(plain.MinReplicas, Is.EqualTo(1));
        Assert.That(plain.Metrics.Single().Resource!.Target.AverageUtilization, Is.EqualTo(80));
        Assert.That(plain.Behavior, Is.Null);
        Assert.That(withBehavior.Behavior!.ScaleDown!.StabilizationWindowSeconds, Is.EqualTo(300));
        Assert.That(withBehavior.Behavior.ScaleUp!.Policies, Has.Count.EqualTo(2));
    }

    [Test]
    public void Apply_LeavesTheInputUnchanged()
    {
        var d = new Deployment { Spec = new DeploymentSpec { Template = Template } };

        KubeDefaults.Apply(d);

        Assert.That(d.Spec.Replicas, Is.Null);
        Assert.That(d.Spec.Template.Spec.RestartPolicy, Is.Null);
    }
}
