using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Autoscaling;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Autoscaling;
using Containers.Orchestration.Tests.Controllers.Testing;

namespace Containers.Orchestration.Tests.Controllers.Autoscaling;

/// <summary>
/// The HorizontalPodAutoscaler controller in virtual time, against a Deployment whose pods the
/// test keeps at spec.replicas (no Deployment controller runs here) and a fake metrics source.
/// </summary>
public sealed class HorizontalPodAutoscalerTests
{
    private static readonly TimeSpan Sync = TimeSpan.FromSeconds(15);

    [Test]
    public async Task ScaleUp_TwoReplicasAt90PercentOfA50PercentTarget_GoesToFour()
    {
        FakeMetricsSource metrics = null!;
        await using var host = await ControllerTestHost.StartAsync(h => metrics = Start(h));
        metrics.Cpu = Quantity.Parse("90m");
        await CreateDeploymentAsync(host, replicas: 2);
        await host.Client.CreateAsync(Hpa(min: 1, max: 10, targetUtilization: 50));

        await Eventually.Until(() => Replicas(host) == 4, "the deployment scaled to 4");
        await host.SettleAsync();
        var status = (await host.GetAsync<HorizontalPodAutoscaler>("web")).Status;
        Assert.Multiple(() =>
        {
            Assert.That(status.CurrentReplicas, Is.EqualTo(2));
            Assert.That(status.DesiredReplicas, Is.EqualTo(4), "ceil(2 × 90 / 50) = 4");
            Assert.That(status.LastScaleTime, Is.EqualTo(ControllerTestHost.DefaultStart));
            Assert.That(status.CurrentMetrics.Single().Resource?.Current.AverageUtilization, Is.EqualTo(90));
            Assert.That(status.CurrentMetrics.Single().Resource?.Current.AverageValue, Is.EqualTo(Quantity.Parse("90m")));
            Assert.That(Condition(status, HpaConditionType.AbleToScale), Is.EqualTo("True SucceededRescale"));
            Assert.That(Condition(status, HpaConditionType.ScalingActive), Is.EqualTo("True ValidMetricFound"));
            Assert.That(Condition(status, HpaConditionType.ScalingLimited), Is.EqualTo("False DesiredWithinRange"));
        });
    }

    [Test]
    public async Task ScaleDown_WaitsOutTheStabilizationWindow_ThenFollowsThePolicies_AndSmallChangesAreTolerated()
    {
        FakeMetricsSource metrics = null!;
        await using var host = await ControllerTestHost.StartAsync(h => metrics = Start(h));
        metrics.Cpu = Quantity.Parse("45m");
        await CreateDeploymentAsync(host, replicas: 4);
        var behavior = new HorizontalPodAutoscalerBehavior
        {
            ScaleDown = new HpaScalingRules { Policies = [new HpaScalingPolicy { Type = "Pods", Value = 1, PeriodSeconds = 60 }] },
        };
        await host.Client.CreateAsync(Hpa(min: 1, max: 10, targetUtilization: 50) with { Spec = Hpa(1, 10, 50).Spec with { Behavior = behavior } });
        await Eventually.Until(() => host.GetAsync<HorizontalPodAutoscaler>("web").Result.Status.CurrentReplicas == 4, "the first sync");
        await host.SettleAsync();

        var first = (await host.GetAsync<HorizontalPodAutoscaler>("web")).Status;
        Assert.Multiple(() =>
        {
            Assert.That(first.DesiredReplicas, Is.EqualTo(4), "45% of a 50% target is within the 10% tolerance");
            Assert.That(first.CurrentMetrics.Single().Resource?.Current.AverageUtilization, Is.EqualTo(45));
            Assert.That(first.LastScaleTime, Is.Null);
            Assert.That(Condition(first, HpaConditionType.AbleToScale), Is.EqualTo("True ReadyForNewScale"));
        });

        // The load drops to 10%: 4 × 10 / 50 asks for 1 replica.
        metrics.Cpu = Quantity.Parse("10m");
        var timeline = new List<(int Second, int Replicas)>();
        for (var second = 15; second <= 450; second += 15)
        {
            await host.AdvanceAsync(Sync);
            await SyncPodsAsync(host);
            timeline.Add((second, Replicas(host)));
            if (second == 150)
            {
                var held = (await host.GetAsync<HorizontalPodAutoscaler>("web")).Status;
                Assert.That(Condition(held, HpaConditionType.AbleToScale), Is.EqualTo("True ScaleDownStabilized"));
                Assert.That(held.DesiredReplicas, Is.EqualTo(4));
            }

            if (second == 300)
            {
                var limited = (await host.GetAsync<HorizontalPodAutoscaler>("web")).Status;
                Assert.That(Condition(limited, HpaConditionType.ScalingLimited), Is.EqualTo("True ScaleDownLimit"));
            }
        }

        var expected = timeline.Select(t => (t.Second, t.Second switch
        {
            < 300 => 4, // the recommendation of 4 at 0 s holds for the 300 s window
            < 360 => 3, // then one pod per 60 s
            < 420 => 2,
            _ => 1,
        }));
        Assert.That(timeline, Is.EqualTo(expected));
    }

    [Test]
    public async Task ScaleUp_IsLimitedByTheDefaultPolicies_FourPodsOrDoublingPer15s()
    {
        FakeMetricsSource metrics = null!;
        await using var host = await ControllerTestHost.StartAsync(h => metrics = Start(h));
        metrics.Cpu = Quantity.Parse("500m");
        await CreateDeploymentAsync(host, replicas: 1);
        await host.Client.CreateAsync(Hpa(min: 1, max: 20, targetUtilization: 50) with { Spec = Hpa(1, 20, 50).Spec with { Behavior = new HorizontalPodAutoscalerBehavior() } });
        await Eventually.Until(() => Replicas(host) == 5, "1 + 4 pods, more than doubling");
        await host.SettleAsync();
        Assert.That(Condition((await host.GetAsync<HorizontalPodAutoscaler>("web")).Status, HpaConditionType.ScalingLimited), Is.EqualTo("True ScaleUpLimit"));

        var seen = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            await SyncPodsAsync(host);
            await host.AdvanceAsync(Sync);
            seen.Add(Replicas(host));
        }

        Assert.That(seen, Is.EqualTo(new[] { 10, 20, 20 }), "doubling beats four pods from 5; then maxReplicas");
        Assert.That(Condition((await host.GetAsync<HorizontalPodAutoscaler>("web")).Status, HpaConditionType.ScalingLimited), Is.EqualTo("True TooManyReplicas"));
    }

    [Test]
    public async Task WithoutABehavior_ScaleUpIsLimitedToDoubleOrFour()
    {
        FakeMetricsSource metrics = null!;
        await using var host = await ControllerTestHost.StartAsync(h => metrics = Start(h));
        metrics.Cpu = Quantity.Parse("500m");
        await CreateDeploymentAsync(host, replicas: 3);
        await host.Client.CreateAsync(Hpa(min: 1, max: 100, targetUtilization: 50));
        await Eventually.Until(() => Replicas(host) == 6, "twice 3");
        await SyncPodsAsync(host);
        await host.AdvanceAsync(Sync);
        Assert.That(Replicas(host), Is.EqualTo(12));
    }

    [Test]
    public async Task MissingTarget_SaysItCannotGetTheScale()
    {
        await using var host = await ControllerTestHost.StartAsync(h => Start(h));
        await host.Client.CreateAsync(Hpa(min: 1, max: 3, targetUtilization: 50));
        await Eventually.Until(
            () => Condition(host.GetAsync<HorizontalPodAutoscaler>("web").Result.Status, HpaConditionType.AbleToScale) == "False FailedGetScale",
            "AbleToScale False");
        var message = Conditions.Find(host.GetAsync<HorizontalPodAutoscaler>("web").Result.Status.Conditions, HpaConditionType.AbleToScale)!.Message;
        Assert.That(message, Does.Contain("deployments.apps \"web\" not found"));
    }

    [Test]
    public async Task PodsWithoutRequests_MakeScalingInactive()
    {
        FakeMetricsSource metrics = null!;
        await using var host = await ControllerTestHost.StartAsync(h => metrics = Start(h));
        metrics.Cpu = Quantity.Parse("90m");
        await CreateDeploymentAsync(host, replicas: 2, request: null);
        await host.Client.CreateAsync(Hpa(min: 1, max: 10, targetUtilization: 50));
        await Eventually.Until(
            () => Condition(host.GetAsync<HorizontalPodAutoscaler>("web").Result.Status, HpaConditionType.ScalingActive) == "False FailedGetResourceMetric",
            "ScalingActive False");
        Assert.That(Replicas(host), Is.EqualTo(2));
        Assert.That(Conditions.Find(host.GetAsync<HorizontalPodAutoscaler>("web").Result.Status.Conditions, HpaConditionType.ScalingActive)!.Message, Does.Contain("missing request for cpu"));
    }

    private static FakeMetricsSource Start(ControllerTestHost host)
    {
        var metrics = new FakeMetricsSource(host.Client, host.Time);
        host.Manager.AddAutoscalingControllers(metrics);
        return metrics;
    }

    private static HorizontalPodAutoscaler Hpa(int min, int max, int targetUtilization) => new()
    {
        Metadata = new ObjectMeta { Name = "web", Namespace = "default" },
        Spec = new HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web" },
            MinReplicas = min,
            MaxReplicas = max,
            Metrics =
            [
                new MetricSpec
                {
                    Type = "Resource",
                    Resource = new ResourceMetricSource { Name = "cpu", Target = new MetricTarget { Type = "Utilization", AverageUtilization = targetUtilization } },
                },
            ],
        },
    };

    private static async Task CreateDeploymentAsync(ControllerTestHost host, int replicas, string? request = "100m")
    {
        var labels = TestObjects.Labels("app=web");
        var container = new Container { Name = "app", Image = "busybox" };
        if (request is not null)
        {
            container = container with { Resources = new ResourceRequirements { Requests = new Dictionary<string, Quantity> { [ResourceNames.Cpu] = Quantity.Parse(request) } } };
        }

        await host.Client.CreateAsync(new Deployment
        {
            Metadata = new ObjectMeta { Name = "web", Namespace = "default" },
            Spec = new DeploymentSpec
            {
                Replicas = replicas,
                Selector = LabelSelector.FromLabels(labels),
                Template = new PodTemplateSpec { Metadata = new ObjectMeta { Labels = labels }, Spec = new PodSpec { Containers = [container] } },
            },
        });
        await SyncPodsAsync(host);
    }

    /// <summary>Makes the Deployment's running, ready pods match its spec.replicas, as its controller and kubelets would.</summary>
    private static async Task SyncPodsAsync(ControllerTestHost host)
    {
        var deployment = await host.GetAsync<Deployment>("web");
        var pods = await host.ListAsync<Pod>();
        var want = deployment.Spec.Replicas ?? 1;
        var started = host.Time.GetUtcNow().AddMinutes(-10);
        for (var i = pods.Count; i < want; i++)
        {
            await host.Client.CreateAsync(new Pod
            {
                Metadata = new ObjectMeta { GenerateName = "web-", Namespace = "default", Labels = deployment.Spec.Template.Metadata.Labels },
                Spec = deployment.Spec.Template.Spec,
                Status = new PodStatus
                {
                    Phase = PodPhase.Running,
                    StartTime = started,
                    Conditions = [new Condition { Type = PodConditionType.Ready, Status = ConditionStatus.True, LastTransitionTime = started }],
                },
            });
        }

        foreach (var pod in pods.Skip(want))
        {
            await Orchestration.Controllers.Client.ApiClientExtensions.DeleteAsync<Pod>(host.Client, pod.Key);
        }

        // The autoscaler reads pods from its informer: let it see them before the next sync.
        await Eventually.Until(() => host.Manager.Informers?.For<Pod>().Cache.Count == want, $"the pod cache to hold {want} pods");
    }

    private static int Replicas(ControllerTestHost host) => host.GetAsync<Deployment>("web").Result.Spec.Replicas ?? 1;

    private static string? Condition(HorizontalPodAutoscalerStatus status, string type) =>
        Conditions.Find(status.Conditions, type) is { } c ? $"{c.Status} {c.Reason}" : null;
}
