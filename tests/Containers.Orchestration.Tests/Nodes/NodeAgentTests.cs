using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Nodes;
using Containers.Orchestration.Tests.Controllers.Testing;

namespace Containers.Orchestration.Tests.Nodes;

public sealed class NodeAgentTests
{
    private VirtualCluster _cluster = null!;

    [SetUp]
    public async Task SetUp() => _cluster = await VirtualCluster.StartAsync(_ => { });

    [TearDown]
    public async Task TearDown() => await _cluster.DisposeAsync();

    [Test]
    public async Task Agent_RegistersItsNodeReady_AndHeartbeatsEveryTenSeconds()
    {
        await _cluster.AddNodeAsync("n1", cpu: "2", memory: "4Gi");
        var node = await _cluster.GetAsync<Node>(null, "n1");
        Assert.That(node, Is.Not.Null);
        var ready = Conditions.Find(node!.Status.Conditions, NodeConditionType.Ready)!;
        Assert.That(ready.Status, Is.EqualTo(ConditionStatus.True));
        Assert.That(ready.LastHeartbeatTime, Is.EqualTo(VirtualCluster.Epoch));
        Assert.That(node.Status.Allocatable[ResourceNames.Cpu], Is.EqualTo(Quantity.Parse("2")));
        Assert.That(node.Metadata.Labels[WellKnownLabels.Hostname], Is.EqualTo("n1"));

        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(9));
        node = await _cluster.GetAsync<Node>(null, "n1");
        Assert.That(Conditions.Find(node!.Status.Conditions, NodeConditionType.Ready)!.LastHeartbeatTime, Is.EqualTo(VirtualCluster.Epoch));
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        node = await _cluster.GetAsync<Node>(null, "n1");
        var beat = Conditions.Find(node!.Status.Conditions, NodeConditionType.Ready)!;
        Assert.That(beat.LastHeartbeatTime, Is.EqualTo(VirtualCluster.Epoch.AddSeconds(10)));
        Assert.That(beat.LastTransitionTime, Is.EqualTo(VirtualCluster.Epoch), "a heartbeat is not a transition");
    }

    [Test]
    public async Task BoundPod_RunsAndReportsRunningAndReady()
    {
        await _cluster.AddNodeAsync("n1");
        await _cluster.Client.CreateAsync(TestObjects.Pod("web", node: "n1"));
        await _cluster.SettleAsync();

        var pod = (await _cluster.GetAsync<Pod>("default", "web"))!;
        Assert.That(pod.Status.Phase, Is.EqualTo(PodPhase.Running));
        Assert.That(Conditions.IsTrue(pod.Status.Conditions, PodConditionType.Ready), Is.True);
        Assert.That(pod.Status.ContainerStatuses.Single().State.Running, Is.Not.Null);
        Assert.That(pod.Status.PodIP, Does.StartWith("10.244.0."));
        Assert.That(pod.Status.HostIP, Is.EqualTo("192.168.0.10"));
        Assert.That(_cluster.Runtime("n1").RunningPods, Is.EqualTo(new[] { new NamespacedName("default", "web") }));
    }

    [Test]
    public async Task ReadinessProbe_GatesReadyAndIsRunEveryPeriod()
    {
        await _cluster.AddNodeAsync("n1");
        var runtime = _cluster.Runtime("n1");
        runtime.DefaultProbeResult = ProbeResult.Failure;
        var pod = TestObjects.Pod("web", node: "n1");
        pod = pod with { Spec = pod.Spec with { Containers = [pod.Spec.Containers[0] with { ReadinessProbe = new Probe { PeriodSeconds = 5, InitialDelaySeconds = 3 } }] } };
        await _cluster.Client.CreateAsync(pod);
        await _cluster.SettleAsync();

        var key = new NamespacedName("default", "web");
        Assert.That(IsReady(await _cluster.GetAsync<Pod>("default", "web")), Is.False, "not ready before the first probe");
        Assert.That(runtime.ProbeCount, Is.Zero, "no probe before initialDelaySeconds");
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.That(runtime.ProbeCount, Is.EqualTo(1));
        Assert.That(IsReady(await _cluster.GetAsync<Pod>("default", "web")), Is.False, "the probe fails");

        runtime.SetProbeResult(key, ProbeResult.Success);
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(4));
        Assert.That(IsReady(await _cluster.GetAsync<Pod>("default", "web")), Is.False, "the next probe is 5 s after the last");
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        var ready = (await _cluster.GetAsync<Pod>("default", "web"))!;
        Assert.That(IsReady(ready), Is.True);
        Assert.That(Conditions.Find(ready.Status.Conditions, PodConditionType.Ready)!.LastTransitionTime, Is.EqualTo(VirtualCluster.Epoch.AddSeconds(8)));

        runtime.SetProbeResult(key, ProbeResult.Failure);
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(10));
        Assert.That(IsReady(await _cluster.GetAsync<Pod>("default", "web")), Is.True, "two failures are below the failure threshold of 3");
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(5));
        Assert.That(IsReady(await _cluster.GetAsync<Pod>("default", "web")), Is.False, "the third failure in a row makes it unready");
    }

    [Test]
    public async Task CrashedContainer_WithRestartAlways_BacksOffTenSecondsThenRestarts()
    {
        await _cluster.AddNodeAsync("n1");
        await _cluster.Client.CreateAsync(TestObjects.Pod("web", node: "n1"));
        await _cluster.SettleAsync();
        var key = new NamespacedName("default", "web");

        Assert.That(_cluster.Runtime("n1").ExitContainer(key, "app", 1), Is.True);
        await _cluster.SettleAsync();
        var crashed = (await _cluster.GetAsync<Pod>("default", "web"))!;
        var status = crashed.Status.ContainerStatuses.Single();
        Assert.That(status.State.Waiting?.Reason, Is.EqualTo("CrashLoopBackOff"));
        Assert.That(status.LastState.Terminated?.ExitCode, Is.EqualTo(1));
        Assert.That(crashed.Status.Phase, Is.EqualTo(PodPhase.Running), "restartPolicy Always keeps the pod Running");
        Assert.That(IsReady(crashed), Is.False);

        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(9));
        Assert.That((await _cluster.GetAsync<Pod>("default", "web"))!.Status.ContainerStatuses.Single().RestartCount, Is.Zero);
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        var restarted = (await _cluster.GetAsync<Pod>("default", "web"))!;
        Assert.That(restarted.Status.ContainerStatuses.Single().RestartCount, Is.EqualTo(1));
        Assert.That(restarted.Status.ContainerStatuses.Single().State.Running, Is.Not.Null);
        Assert.That(IsReady(restarted), Is.True);

        _cluster.Runtime("n1").ExitContainer(key, "app", 1);
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(19));
        Assert.That((await _cluster.GetAsync<Pod>("default", "web"))!.Status.ContainerStatuses.Single().RestartCount, Is.EqualTo(1), "the second backoff is 20 s");
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.That((await _cluster.GetAsync<Pod>("default", "web"))!.Status.ContainerStatuses.Single().RestartCount, Is.EqualTo(2));
    }

    [TestCase(RestartPolicy.Never, 0, PodPhase.Succeeded)]
    [TestCase(RestartPolicy.Never, 2, PodPhase.Failed)]
    [TestCase(RestartPolicy.OnFailure, 0, PodPhase.Succeeded)]
    [TestCase(RestartPolicy.OnFailure, 2, PodPhase.Running)]
    public async Task ExitedContainer_EndsThePodAsItsRestartPolicySays(string policy, int exitCode, string phase)
    {
        await _cluster.AddNodeAsync("n1");
        var pod = TestObjects.Pod("job", node: "n1");
        await _cluster.Client.CreateAsync(pod with { Spec = pod.Spec with { RestartPolicy = policy } });
        await _cluster.SettleAsync();

        _cluster.Runtime("n1").ExitContainer(new NamespacedName("default", "job"), "app", exitCode);
        await _cluster.SettleAsync();
        var done = (await _cluster.GetAsync<Pod>("default", "job"))!;
        Assert.That(done.Status.Phase, Is.EqualTo(phase));
        if (phase != PodPhase.Running)
        {
            Assert.That(done.Status.ContainerStatuses.Single().State.Terminated?.ExitCode, Is.EqualTo(exitCode));
            Assert.That(_cluster.Runtime("n1").RunningPods, Is.Empty, "a finished pod's sandbox is stopped");
        }
    }

    [Test]
    public async Task GracefulDelete_StopsThePodThenRemovesIt()
    {
        await _cluster.AddNodeAsync("n1");
        await _cluster.Client.CreateAsync(TestObjects.Pod("web", node: "n1"));
        await _cluster.SettleAsync();

        await _cluster.Client.DeleteAsync<Pod>(new NamespacedName("default", "web"));
        await _cluster.SettleAsync();
        Assert.That(await _cluster.GetAsync<Pod>("default", "web"), Is.Null);
        Assert.That(_cluster.Runtime("n1").RunningPods, Is.Empty);
    }

    [Test]
    public async Task StoppedAgent_NoLongerHeartbeats()
    {
        var agent = await _cluster.AddNodeAsync("n1");
        await agent.StopAsync();
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5));
        var node = (await _cluster.GetAsync<Node>(null, "n1"))!;
        Assert.That(Conditions.Find(node.Status.Conditions, NodeConditionType.Ready)!.LastHeartbeatTime, Is.EqualTo(VirtualCluster.Epoch));
    }

    private static bool IsReady(Pod? pod) => pod is not null && Conditions.IsTrue(pod.Status.Conditions, PodConditionType.Ready);
}
