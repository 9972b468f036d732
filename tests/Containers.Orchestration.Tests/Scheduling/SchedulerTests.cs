using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Scheduling;
using Containers.Orchestration.Scheduling.Plugins;
using Containers.Orchestration.Tests.Controllers.Testing;

namespace Containers.Orchestration.Tests.Scheduling;

public sealed class SchedulerTests
{
    private VirtualCluster _cluster = null!;

    [SetUp]
    public async Task SetUp() => _cluster = await VirtualCluster.StartAsync(m => m.Add("scheduler", ctx => new Scheduler(ctx)));

    [TearDown]
    public async Task TearDown() => await _cluster.DisposeAsync();

    [Test]
    public async Task Pod_IsBoundToTheLeastAllocatedNode()
    {
        await _cluster.AddNodeAsync("a");
        await _cluster.AddNodeAsync("b");
        await _cluster.Client.CreateAsync(WithRequests(TestObjects.Pod("big", node: "a"), "2", "1Gi"));
        await _cluster.Client.CreateAsync(WithRequests(TestObjects.Pod("new"), "500m", "256Mi"));
        await _cluster.SettleAsync();

        var pod = (await _cluster.GetAsync<Pod>("default", "new"))!;
        Assert.That(pod.Spec.NodeName, Is.EqualTo("b"));
        Assert.That(Conditions.IsTrue(pod.Status.Conditions, PodConditionType.PodScheduled), Is.True);
        Assert.That(pod.Status.Phase, Is.EqualTo(PodPhase.Running), "the node's agent runs what the scheduler bound");
    }

    [Test]
    public async Task PodsCreatedTogether_SeeEachOthersRequestsBeforeTheInformerDoes()
    {
        await _cluster.AddNodeAsync("a", cpu: "4");
        await _cluster.AddNodeAsync("b", cpu: "4");
        await _cluster.Client.CreateAsync(WithRequests(TestObjects.Pod("p1"), "3", "100Mi"));
        await _cluster.Client.CreateAsync(WithRequests(TestObjects.Pod("p2"), "3", "100Mi"));
        await _cluster.SettleAsync();

        var nodes = (await _cluster.ListAsync<Pod>()).Select(p => p.Spec.NodeName).Order().ToList();
        Assert.That(nodes, Is.EqualTo(new[] { "a", "b" }), "the second pod does not fit beside the first");
    }

    [Test]
    public async Task Unschedulable_GetsKubernetesMessage_AndIsRetriedWhenANodeAppears()
    {
        await _cluster.AddNodeAsync("small", cpu: "1");
        await _cluster.AddNodeAsync("gpu1", taints: [new Taint { Key = "dedicated", Value = "gpu", Effect = TaintEffect.NoSchedule }]);
        await _cluster.AddNodeAsync("gpu2", taints: [new Taint { Key = "dedicated", Value = "gpu", Effect = TaintEffect.NoExecute }]);
        await _cluster.Client.CreateAsync(WithRequests(TestObjects.Pod("web"), "2", "1Gi"));
        await _cluster.SettleAsync();

        var pod = (await _cluster.GetAsync<Pod>("default", "web"))!;
        Assert.That(pod.Spec.NodeName, Is.Null);
        var scheduled = Conditions.Find(pod.Status.Conditions, PodConditionType.PodScheduled)!;
        Assert.That(scheduled.Status, Is.EqualTo(ConditionStatus.False));
        Assert.That(scheduled.Reason, Is.EqualTo("Unschedulable"));
        Assert.That(scheduled.Message, Is.EqualTo("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}."));

        await _cluster.AddNodeAsync("big", cpu: "8");
        await _cluster.SettleAsync();
        Assert.That((await _cluster.GetAsync<Pod>("default", "web"))!.Spec.NodeName, Is.EqualTo("big"), "a new node retries the pod at once");
    }

    [Test]
    public async Task Unschedulable_IsRetriedWhenABoundPodGoesAway()
    {
        await _cluster.AddNodeAsync("a", cpu: "2");
        await _cluster.Client.CreateAsync(WithRequests(TestObjects.Pod("first"), "1500m", "100Mi"));
        await _cluster.SettleAsync();
        await _cluster.Client.CreateAsync(WithRequests(TestObjects.Pod("second"), "1500m", "100Mi"));
        await _cluster.SettleAsync();
        Assert.That((await _cluster.GetAsync<Pod>("default", "second"))!.Spec.NodeName, Is.Null);

        await _cluster.Client.DeleteAsync(_cluster.Client.Registry.Get<Pod>(), new NamespacedName("default", "first"));
        await _cluster.SettleAsync();
        Assert.That((await _cluster.GetAsync<Pod>("default", "second"))!.Spec.NodeName, Is.EqualTo("a"));
    }

    [Test]
    public async Task TolerationsNodeSelectorAffinityAndCordon_AreHonoured()
    {
        await _cluster.AddNodeAsync("tainted", taints: [new Taint { Key = "dedicated", Value = "gpu", Effect = TaintEffect.NoSchedule }], labels: new Dictionary<string, string> { ["disk"] = "ssd" });
        await _cluster.AddNodeAsync("plain", labels: new Dictionary<string, string> { ["disk"] = "hdd", ["rank"] = "7" });
        var cordoned = await _cluster.AddNodeAsync("cordoned", labels: new Dictionary<string, string> { ["disk"] = "ssd" });
        var node = (await _cluster.GetAsync<Node>(null, "cordoned"))!;
        await _cluster.Client.UpdateAsync(node with { Spec = node.Spec with { Unschedulable = true } });
        await _cluster.SettleAsync();

        var tolerant = TestObjects.Pod("tolerant");
        tolerant = tolerant with
        {
            Spec = tolerant.Spec with
            {
                NodeSelector = new Dictionary<string, string> { ["disk"] = "ssd" },
                Tolerations = [new Toleration { Key = "dedicated", Operator = "Equal", Value = "gpu", Effect = TaintEffect.NoSchedule }],
            },
        };
        await _cluster.Client.CreateAsync(tolerant);
        var affine = TestObjects.Pod("affine");
        using var affinity = System.Text.Json.JsonDocument.Parse("""
            {"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
              {"matchExpressions":[{"key":"rank","operator":"Gt","values":["5"]}]}]}}}
            """);
        await _cluster.Client.CreateAsync(affine with { Spec = affine.Spec with { Affinity = affinity.RootElement.Clone() } });
        var intolerant = TestObjects.Pod("intolerant");
        await _cluster.Client.CreateAsync(intolerant with { Spec = intolerant.Spec with { NodeSelector = new Dictionary<string, string> { ["disk"] = "ssd" } } });
        await _cluster.SettleAsync();

        Assert.That((await _cluster.GetAsync<Pod>("default", "tolerant"))!.Spec.NodeName, Is.EqualTo("tainted"));
        Assert.That((await _cluster.GetAsync<Pod>("default", "affine"))!.Spec.NodeName, Is.EqualTo("plain"));
        var stuck = (await _cluster.GetAsync<Pod>("default", "intolerant"))!;
        Assert.That(stuck.Spec.NodeName, Is.Null);
        Assert.That(
            Conditions.Find(stuck.Status.Conditions, PodConditionType.PodScheduled)!.Message,
            Is.EqualTo("0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable."));
        Assert.That(cordoned.IsRunning, Is.True);
    }

    [Test]
    public async Task GatedPod_WaitsUntilItsGatesAreRemoved()
    {
        await _cluster.AddNodeAsync("a");
        var gated = TestObjects.Pod("gated");
        await _cluster.Client.CreateAsync(gated with { Spec = gated.Spec with { SchedulingGates = [new PodSchedulingGate { Name = "example.com/quota" }] } });
        await _cluster.SettleAsync();

        var pod = (await _cluster.GetAsync<Pod>("default", "gated"))!;
        Assert.That(pod.Spec.NodeName, Is.Null);
        Assert.That(Conditions.Find(pod.Status.Conditions, PodConditionType.PodScheduled), Is.Null, "not tried, so not marked unschedulable");

        await _cluster.Client.UpdateAsync(pod with { Spec = pod.Spec with { SchedulingGates = [] } });
        await _cluster.SettleAsync();
        Assert.That((await _cluster.GetAsync<Pod>("default", "gated"))!.Spec.NodeName, Is.EqualTo("a"));
    }

    [Test]
    public async Task TooManyPods_IsAReason()
    {
        await _cluster.AddNodeAsync("tiny", pods: 1);
        await _cluster.Client.CreateAsync(TestObjects.Pod("one"));
        await _cluster.SettleAsync();
        await _cluster.Client.CreateAsync(TestObjects.Pod("two"));
        await _cluster.SettleAsync();

        var two = (await _cluster.GetAsync<Pod>("default", "two"))!;
        Assert.That(Conditions.Find(two.Status.Conditions, PodConditionType.PodScheduled)!.Message, Is.EqualTo("0/1 nodes are available: 1 Too many pods."));
    }

    [Test]
    public void LeastAllocated_IsTheIntegerAverageOfFreeCpuAndMemoryShares()
    {
        var node = new Node
        {
            Metadata = new ObjectMeta { Name = "n" },
            Status = new NodeStatus { Allocatable = new Dictionary<string, Quantity> { [ResourceNames.Cpu] = Quantity.Parse("4"), [ResourceNames.Memory] = Quantity.Parse("10Gi"), [ResourceNames.Pods] = Quantity.Parse("110") } },
        };
        var existing = WithRequests(TestObjects.Pod("old"), "1", "2Gi");
        var info = new NodeInfo(node, [existing]);
        var pod = WithRequests(TestObjects.Pod("new"), "1", "3Gi");

        // cpu: (4000 - 2000) * 100 / 4000 = 50; memory: (10 - 5) * 100 / 10 = 50.
        Assert.That(new LeastAllocatedScore().Score(pod, info), Is.EqualTo(50));

        // A pod with no requests counts 100m and 200Mi: cpu (4000 - 1100) * 100 / 4000 = 72;
        // memory (10240 - 2248) * 100 / 10240 = 78 (MiB); (72 + 78) / 2 = 75.
        Assert.That(new LeastAllocatedScore().Score(TestObjects.Pod("empty"), info), Is.EqualTo(75));
        Assert.That(LeastAllocatedScore.ResourceScore(1000, 1500), Is.Zero, "more requested than allocatable scores 0");
    }

    [Test]
    public void UnschedulableMessage_SortsReasonsAsStrings()
    {
        var message = Scheduler.UnschedulableMessage(12, new Dictionary<string, int> { ["Insufficient memory"] = 2, ["node(s) were unschedulable"] = 10, ["Insufficient cpu"] = 11 });
        Assert.That(message, Is.EqualTo("0/12 nodes are available: 10 node(s) were unschedulable, 11 Insufficient cpu, 2 Insufficient memory."));
    }

    [Test]
    public void UnschedulableMessage_WithNoNodes_IsKubeSchedulersNoNodesAvailable()
    {
        Assert.That(Scheduler.UnschedulableMessage(0, new Dictionary<string, int>()), Is.EqualTo("no nodes available to schedule pods"));
    }

    private static Pod WithRequests(Pod pod, string cpu, string memory) => pod with
    {
        Spec = pod.Spec with
        {
            Containers = [pod.Spec.Containers[0] with
            {
                Resources = new ResourceRequirements { Requests = new Dictionary<string, Quantity> { [ResourceNames.Cpu] = Quantity.Parse(cpu), [ResourceNames.Memory] = Quantity.Parse(memory) } },
            }],
        },
    };
}
