using System.Text.Json;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Autoscaling;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.NodeLifecycle;
using Containers.Orchestration.Server.Http;

namespace Containers.Cli.Tests.Commands.Cluster;

/// <summary>
/// <c>containers cluster serve</c> runs the whole control plane, not only the API: the controller
/// manager turns a Deployment into a ReplicaSet and pods, the scheduler binds them to a node
/// registered through the API, and node lifecycle marks a node that stopped heartbeating Unknown,
/// taints it and evicts its pods, and the autoscaler runs (without metrics, as a cluster without
/// metrics-server). No node agent runs in serve, so pods stay Pending.
/// </summary>
[NonParallelizable]
public sealed class ServeCommandTests
{
    private InProcessServe _serve = null!;
    private HttpApiClient _client = null!;

    private static string Manifests => Path.Combine(TestContext.CurrentContext.TestDirectory, "Manifests");

    [SetUp]
    public async Task StartServerAsync()
    {
        _serve = await InProcessServe.StartAsync();
        _client = new HttpApiClient(new Uri(_serve.Server), InProcessServe.Token);
    }

    [TearDown]
    public async Task StopServerAsync()
    {
        _client.Dispose();
        var (code, errors) = await _serve.StopAsync();
        Assert.That(code, Is.EqualTo(0), errors);
    }

    [Test]
    public void Serve_SaysWhatItRuns()
    {
        Assert.That(_serve.Output, Does.Contain("Controller manager (leader election through an in-process lock): ")
            .And.Contain("deployment").And.Contain("replicaset").And.Contain("daemonset").And.Contain("statefulset")
            .And.Contain("job").And.Contain("cronjob").And.Contain("ttl-after-finished").And.Contain("horizontalpodautoscaling")
            .And.Contain("nodelifecycle").And.Contain("taint-eviction").And.Contain("scheduler"));
    }

    [Test]
    public async Task SecondServe_OnTheSameRoot_IsRefused()
    {
        // Its controllers would act beside the first one's, and its log would interleave with the first's.
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        var code = await ContainersCli.RunAsync(
            ["--root", Path.Combine(_serve.Root, "state"), "cluster", "serve", "--listen", "127.0.0.1:0", "--token-file", Path.Combine(_serve.Root, "tokens.csv")],
            stdout,
            stderr,
            timeout.Token);

        Assert.That(timeout.IsCancellationRequested, Is.False, "the second serve ran instead of being refused");
        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(stderr.ToString(), Does.Contain($"the store in {Path.Combine(_serve.Root, "state", "cluster", "store")} is in use by another process"));
        Assert.That(stdout.ToString(), Does.Not.Contain("Serving the Kubernetes API"));
    }

    [Test]
    public async Task Deployment_GetsAReplicaSetAndThreePendingPods()
    {
        var apply = await _serve.Cluster("apply", "-f", Path.Combine(Manifests, "deployment-nginx.yaml"));
        Assert.That(apply.Code, Is.EqualTo(0), apply.Stderr);

        var sets = await Eventually.UntilAsync(
            () => GetItemsAsync("replicasets"),
            items => items.Any(i => ControllerOf(i) == ("Deployment", "web-deployment")),
            "a ReplicaSet owned by the Deployment",
            Describe);
        var set = sets.Single(i => ControllerOf(i) == ("Deployment", "web-deployment"));
        var setName = set.GetProperty("metadata").GetProperty("name").GetString()!;
        var pods = await Eventually.UntilAsync(
            () => GetItemsAsync("pods"),
            items => items.Count == 3 && items.All(p => Scheduled(p) is { Status: "False" }),
            "three pods the scheduler tried",
            Describe);

        Assert.That(pods.Select(ControllerOf), Is.All.EqualTo(("ReplicaSet", setName)));
        Assert.That(pods.Select(p => p.GetProperty("status").GetProperty("phase").GetString()), Is.All.EqualTo("Pending"));
        Assert.That(pods.Select(p => p.GetProperty("spec").TryGetProperty("nodeName", out _)), Is.All.False);
        Assert.That(pods.Select(p => Scheduled(p)!.Value.Message), Is.All.EqualTo("no nodes available to schedule pods"));
    }

    [Test]
    public async Task Scheduler_BindsThePodsToANodeRegisteredThroughTheApi()
    {
        Assert.That((await _serve.Cluster("apply", "-f", Path.Combine(Manifests, "deployment-nginx.yaml"))).Code, Is.EqualTo(0));

        // A kubelet registers its node with its status: what it offers, and that it is Ready now.
        await _client.CreateAsync(NodeHeardAt("node-1", DateTimeOffset.UtcNow));

        var pods = await Eventually.UntilAsync(
            () => ListAsync<Pod>("default"),
            items => items.Count == 3 && items.All(p => p.Spec.NodeName is not null),
            "the scheduler to bind three pods",
            items => string.Join("; ", items.Select(p => $"{p.Name} on {p.Spec.NodeName ?? "-"}")));

        Assert.That(pods.Select(p => p.Spec.NodeName), Is.All.EqualTo("node-1"));
        Assert.That(pods.Select(p => Conditions.Find(p.Status.Conditions, PodConditionType.PodScheduled)?.Status), Is.All.EqualTo(ConditionStatus.True));
        Assert.That(pods.Select(p => p.Status.Phase), Is.All.EqualTo(PodPhase.Pending), "no node agent runs them");
    }

    [Test]
    public async Task NodeLifecycle_MarksASilentNodeUnknown_TaintsIt_AndEvictsItsPods()
    {
        // Registered Ready, but its last heartbeat is long past the 40 s grace period.
        await _client.CreateAsync(NodeHeardAt("silent", DateTimeOffset.UtcNow.AddHours(-1)));
        var manifest = Path.Combine(_serve.Root, "pod.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: stranded
            spec:
              nodeName: silent
              tolerations:
              - key: node.kubernetes.io/unreachable
                operator: Exists
                effect: NoExecute
                tolerationSeconds: 0
              containers:
              - name: app
                image: busybox
            """);
        var apply = await _serve.Cluster("apply", "-f", manifest);
        Assert.That(apply.Code, Is.EqualTo(0), apply.Stderr);

        var node = await Eventually.UntilAsync(
            async () => (Node)await _client.GetAsync(_client.Registry.Get<Node>(), new NamespacedName(null, "silent")),
            n => Conditions.Find(n.Status.Conditions, NodeConditionType.Ready)?.Status == ConditionStatus.Unknown && n.Spec.Taints.Count(t => t.Key == WellKnownTaints.Unreachable) == 2,
            "the node lifecycle controller to mark the node Unknown and taint it",
            n => $"Ready {Conditions.Find(n.Status.Conditions, NodeConditionType.Ready)?.Status}, taints {string.Join(", ", n.Spec.Taints.Select(t => $"{t.Key}:{t.Effect}"))}");
        await Eventually.UntilAsync(
            async () => await _client.FindAsync(_client.Registry.Get<Pod>(), new NamespacedName("default", "stranded")),
            p => p is null || p.Metadata.DeletionTimestamp is not null,
            "the pod that tolerates unreachable for 0 s to be evicted",
            p => p is null ? "gone" : "not deleted");

        var ready = Conditions.Find(node.Status.Conditions, NodeConditionType.Ready)!;
        Assert.That(ready.Reason, Is.EqualTo(NodeLifecycleController.NodeStatusUnknownReason));
        Assert.That(ready.Message, Is.EqualTo("Kubelet stopped posting node status."));
        Assert.That(node.Spec.Taints.Where(t => t.Key == WellKnownTaints.Unreachable).Select(t => t.Effect), Is.EquivalentTo(new[] { TaintEffect.NoSchedule, TaintEffect.NoExecute }));
    }

    [Test]
    public async Task Autoscaler_RunsWithoutAMetricsPipeline_AndSaysSo()
    {
        var apply = await _serve.Cluster("apply", "-f", Path.Combine(Manifests, "deployment-service-busy-app.yaml"), "-f", Path.Combine(Manifests, "hpa-cpu.yaml"));
        Assert.That(apply.Code, Is.EqualTo(0), apply.Stderr);

        var hpa = await Eventually.UntilAsync(
            async () => (HorizontalPodAutoscaler)await _client.GetAsync(_client.Registry.Get<HorizontalPodAutoscaler>(), new NamespacedName("default", "busy-app")),
            h => Conditions.Find(h.Status.Conditions, HpaConditionType.ScalingActive) is not null,
            "the autoscaler to report whether it can scale",
            h => string.Join("; ", h.Status.Conditions.Select(c => $"{c.Type}={c.Status} {c.Reason}")));

        // As Kubernetes without metrics-server: the target's scale is read, no replica count is computed.
        var active = Conditions.Find(hpa.Status.Conditions, HpaConditionType.ScalingActive)!;
        Assert.That((active.Status, active.Reason), Is.EqualTo((ConditionStatus.False, "FailedGetResourceMetric")));
        Assert.That(active.Message, Does.Contain("no metrics returned from resource metrics API"));
        Assert.That(Conditions.Find(hpa.Status.Conditions, HpaConditionType.AbleToScale)?.Status, Is.EqualTo(ConditionStatus.True));
        Assert.That(hpa.Status.CurrentReplicas, Is.EqualTo(1));
    }

    internal static Node NodeHeardAt(string name, DateTimeOffset heartbeat)
    {
        var resources = new Dictionary<string, Quantity>(StringComparer.Ordinal)
        {
            [ResourceNames.Cpu] = Quantity.Parse("4"),
            [ResourceNames.Memory] = Quantity.Parse("8Gi"),
            [ResourceNames.Pods] = Quantity.Parse("110"),
        };
        return new Node
        {
            Metadata = new ObjectMeta { Name = name },
            Status = new NodeStatus
            {
                Capacity = resources,
                Allocatable = resources,
                Conditions =
                [
                    new Condition
                    {
                        Type = NodeConditionType.Ready,
                        Status = ConditionStatus.True,
                        Reason = "KubeletReady",
                        Message = "kubelet is posting ready status",
                        LastHeartbeatTime = heartbeat,
                        LastTransitionTime = heartbeat,
                    },
                ],
            },
        };
    }

    private async Task<List<T>> ListAsync<T>(string? ns)
        where T : KubeObject =>
        [.. (await _client.ListAsync(_client.Registry.Get<T>(), ns)).Items.Cast<T>()];

    /// <summary>The items of <c>containers cluster get RESOURCE -o json</c>.</summary>
    private async Task<List<JsonElement>> GetItemsAsync(string resource)
    {
        var (code, stdout, stderr) = await _serve.Cluster("get", resource, "-o", "json");
        Assert.That(code, Is.EqualTo(0), stderr);
        using var document = JsonDocument.Parse(stdout);
        return [.. document.RootElement.GetProperty("items").EnumerateArray().Select(i => i.Clone())];
    }

    private static (string? Kind, string? Name) ControllerOf(JsonElement item) =>
        item.GetProperty("metadata").TryGetProperty("ownerReferences", out var owners)
            ? owners.EnumerateArray().Where(o => o.TryGetProperty("controller", out var c) && c.GetBoolean()).Select(o => (o.GetProperty("kind").GetString(), o.GetProperty("name").GetString())).FirstOrDefault()
            : default;

    private static (string? Status, string? Message)? Scheduled(JsonElement pod) =>
        pod.GetProperty("status").TryGetProperty("conditions", out var conditions)
            ? conditions.EnumerateArray().Where(c => c.GetProperty("type").GetString() == PodConditionType.PodScheduled).Select(c => ((string? Status, string? Message)?)(c.GetProperty("status").GetString(), c.TryGetProperty("message", out var m) ? m.GetString() : null)).FirstOrDefault()
            : null;

    private static string Describe(List<JsonElement> items) => string.Join("; ", items.Select(i => i.GetProperty("metadata").GetProperty("name").GetString()));
}
