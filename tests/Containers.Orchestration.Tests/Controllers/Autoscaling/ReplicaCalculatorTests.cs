using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Autoscaling;

namespace Containers.Orchestration.Tests.Controllers.Autoscaling;

public sealed class ReplicaCalculatorTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Tolerances Default = new(0.1, 0.1);
    private readonly ReplicaCalculator _calculator = new(new HorizontalPodAutoscalerOptions());

    [TestCase(90, 2, 4)]
    [TestCase(55, 4, 4)]
    [TestCase(56, 4, 5)]
    [TestCase(45, 4, 4)]
    [TestCase(44, 4, 4)]
    [TestCase(10, 4, 1)]
    public void Utilization_FollowsTheFormula_WithATenPercentTolerance(int usedMilli, int pods, int expected)
    {
        var all = Enumerable.Range(0, pods).Select(i => ReadyPod($"p{i}")).ToList();
        var samples = all.ToDictionary(p => p.Name, _ => Sample(usedMilli));
        var (replicas, utilization, raw) = _calculator.ResourceReplicas(pods, 50, "cpu", null, all, samples, Default, Now);
        Assert.That(replicas, Is.EqualTo(expected));
        Assert.That(utilization, Is.EqualTo(usedMilli));
        Assert.That(raw, Is.EqualTo(usedMilli));
    }

    [Test]
    public void MissingSamples_OnAScaleDown_CountAsTheWholeRequest()
    {
        List<Pod> pods = [ReadyPod("a"), ReadyPod("b"), ReadyPod("c")];
        var samples = new Dictionary<string, PodMetric> { ["a"] = Sample(10), ["b"] = Sample(10) };

        // Alone, a and b at 10% would ask for 1 replica; with c assumed at 100% the average is 40%.
        var (replicas, _, _) = _calculator.ResourceReplicas(3, 50, "cpu", null, pods, samples, Default, Now);
        Assert.That(replicas, Is.EqualTo(3));
    }

    [Test]
    public void MissingSamples_ThatWouldReverseAScaleUp_KeepTheScale()
    {
        List<Pod> pods = [ReadyPod("a"), ReadyPod("b"), ReadyPod("c")];
        var samples = new Dictionary<string, PodMetric> { ["a"] = Sample(60), ["b"] = Sample(60) };

        // 60% asks for more; c assumed idle brings the average to 40%, below target: no change.
        var (replicas, _, _) = _calculator.ResourceReplicas(3, 50, "cpu", null, pods, samples, Default, Now);
        Assert.That(replicas, Is.EqualTo(3));
    }

    [Test]
    public void UnreadyPods_OnAScaleUp_CountAsIdle()
    {
        List<Pod> pods = [ReadyPod("a"), ReadyPod("b"), Pending("c"), Pending("d")];
        var samples = new Dictionary<string, PodMetric> { ["a"] = Sample(200), ["b"] = Sample(200) };

        // a and b at 200% of a 50% target; c and d, pending, count as idle: 100% over 4 pods → 8.
        // At 100% each, the idle pods bring the average to the target: no change.
        var (replicas, _, _) = _calculator.ResourceReplicas(4, 50, "cpu", null, pods, samples, Default, Now);
        Assert.That(replicas, Is.EqualTo(8));
        var (calm, _, _) = _calculator.ResourceReplicas(4, 50, "cpu", null, pods, new Dictionary<string, PodMetric> { ["a"] = Sample(100), ["b"] = Sample(100) }, Default, Now);
        Assert.That(calm, Is.EqualTo(4));
    }

    [Test]
    public void CpuOfAPodStillStartingAndNotReady_IsNotTrusted()
    {
        var starting = ReadyPod("c") with
        {
            Status = new PodStatus
            {
                Phase = PodPhase.Running,
                StartTime = Now.AddMinutes(-1),
                Conditions = [new Condition { Type = PodConditionType.Ready, Status = ConditionStatus.False, LastTransitionTime = Now.AddMinutes(-1) }],
            },
        };
        List<Pod> pods = [ReadyPod("a"), ReadyPod("b"), starting];
        var samples = new Dictionary<string, PodMetric> { ["a"] = Sample(50), ["b"] = Sample(50), ["c"] = Sample(900) };
        var (replicas, utilization, _) = _calculator.ResourceReplicas(3, 50, "cpu", null, pods, samples, Default, Now);
        Assert.That(utilization, Is.EqualTo(50), "c's start-up burst is left out");
        Assert.That(replicas, Is.EqualTo(3));
    }

    [Test]
    public void AverageValue_ComparesTheMeanToTheTarget()
    {
        List<Pod> pods = [ReadyPod("a"), ReadyPod("b")];
        var samples = new Dictionary<string, PodMetric> { ["a"] = Sample(300), ["b"] = Sample(500) };
        var (replicas, average) = _calculator.AverageValueReplicas(2, 200, "cpu", pods, samples, Default, Now);
        Assert.That(average, Is.EqualTo(400));
        Assert.That(replicas, Is.EqualTo(4));
    }

    [Test]
    public void NoSamples_IsAnError()
    {
        List<Pod> pods = [ReadyPod("a")];
        Assert.That(
            () => _calculator.ResourceReplicas(1, 50, "cpu", null, pods, new Dictionary<string, PodMetric>(), Default, Now),
            Throws.InstanceOf<MetricsUnavailableException>().With.Message.Contains("no metrics returned"));
    }

    private static PodMetric Sample(long milli) => new(Quantity.FromMilli(milli), Now, TimeSpan.FromSeconds(30));

    private static Pod ReadyPod(string name) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new PodSpec
        {
            Containers = [new Container { Name = "app", Resources = new ResourceRequirements { Requests = new Dictionary<string, Quantity> { ["cpu"] = Quantity.Parse("100m") } } }],
        },
        Status = new PodStatus
        {
            Phase = PodPhase.Running,
            StartTime = Now.AddHours(-1),
            Conditions = [new Condition { Type = PodConditionType.Ready, Status = ConditionStatus.True, LastTransitionTime = Now.AddHours(-1) }],
        },
    };

    private static Pod Pending(string name) => ReadyPod(name) with { Status = new PodStatus { Phase = PodPhase.Pending } };
}
