using System.Text.Json;
using Containers.Cli.Commands.Cluster;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Nodes;
using Containers.Orchestration.Nodes.Fake;
using Containers.Orchestration.Server.Http;

namespace Containers.Cli.Tests.Commands.Cluster;

/// <summary>
/// <c>containers cluster</c> end to end: serve on 127.0.0.1 with a token file in a temporary root,
/// apply the Kubernetes documentation's example manifests, read them back as tables, YAML and JSON,
/// change and delete them, follow and undo rollouts that serve's controllers carry out, and stop the
/// server.
/// </summary>
[NonParallelizable]
public sealed class ClusterCommandTests
{
    private const string Token = InProcessServe.Token;

    private InProcessServe _serve = null!;

    private static string Manifests => Path.Combine(TestContext.CurrentContext.TestDirectory, "Manifests");

    [SetUp]
    public async Task StartServerAsync() => _serve = await InProcessServe.StartAsync();

    [TearDown]
    public async Task StopServerAsync()
    {
        var (code, errors) = await _serve.StopAsync();
        Assert.That(code, Is.EqualTo(0), errors);
    }

    [Test]
    public async Task Apply_DocumentationExamples_ThenGetAndDelete()
    {
        var development = Path.Combine(_serve.Root, "development.yaml");
        await File.WriteAllTextAsync(development, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: development\n");
        string[] files = [development, .. Directory.GetFiles(Manifests, "*.yaml").Order(StringComparer.Ordinal)];

        var apply = await Cluster(["apply", .. files.SelectMany(f => new[] { "-f", f })]);
        Assert.That(apply.Code, Is.EqualTo(0), apply.Stderr);
        Assert.That(apply.Stdout, Does.Contain("deployment.apps/web-deployment created"));
        Assert.That(apply.Stdout, Does.Contain("clusterrole.rbac.authorization.k8s.io/secret-reader created"));

        var again = await Cluster(["apply", "-f", Path.Combine(Manifests, "deployment-nginx.yaml")]);
        Assert.That(again.Stdout.Trim(), Is.EqualTo("deployment.apps/web-deployment unchanged"));

        var table = await Cluster(["get", "deployments"]);
        Assert.That(table.Stdout, Does.StartWith("NAME").And.Contain("web-deployment"));

        var yaml = await Cluster(["get", "deployment", "web-deployment", "-o", "yaml"]);
        Assert.That(yaml.Stdout, Does.StartWith("apiVersion: apps/v1\nkind: Deployment\n"));
        Assert.That(yaml.Stdout, Does.Contain("generation: 1"));

        var json = await Cluster(["get", "roles", "-A", "-o", "json"]);
        using (var document = JsonDocument.Parse(json.Stdout))
        {
            Assert.That(document.RootElement.GetProperty("kind").GetString(), Is.EqualTo("List"));
            Assert.That(document.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()), Does.Contain("pod-reader"));
        }

        var scaled = await Cluster(["scale", "deployment/web-deployment", "--replicas", "5"]);
        Assert.That(scaled.Stdout.Trim(), Is.EqualTo("deployment.apps/web-deployment scaled"));
        var described = await Cluster(["describe", "deployment", "web-deployment"]);
        Assert.That(described.Stdout, Does.Contain("Name:               web-deployment").And.Contain("replicas: 5"));

        var deleted = await Cluster(["delete", "deployment", "web-deployment"]);
        Assert.That(deleted.Stdout.Trim(), Is.EqualTo("deployment.apps \"web-deployment\" deleted"));
        var gone = await Cluster(["get", "deployment", "web-deployment"]);
        Assert.That(gone.Code, Is.Not.EqualTo(0));
        Assert.That(gone.Stderr, Does.Contain("deployments.apps \"web-deployment\" not found"));
    }

    [Test]
    public async Task Apply_ThreeWay_RemovesWhatTheManifestDropped()
    {
        var file = Path.Combine(_serve.Root, "settings.yaml");
        await File.WriteAllTextAsync(file, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels:\n    keep: \"yes\"\n    drop: \"yes\"\ndata:\n  a: \"1\"\n  b: \"2\"\n");
        Assert.That((await Cluster(["apply", "-f", file])).Code, Is.EqualTo(0));

        await File.WriteAllTextAsync(file, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels:\n    keep: \"yes\"\ndata:\n  a: \"1\"\n");
        var configured = await Cluster(["apply", "-f", file]);
        var json = await Cluster(["get", "configmap", "settings", "-o", "json"]);

        Assert.That(configured.Stdout.Trim(), Is.EqualTo("configmap/settings configured"));
        using var document = JsonDocument.Parse(json.Stdout);
        var root = document.RootElement;
        Assert.That(root.GetProperty("data").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "a" }));
        Assert.That(root.GetProperty("metadata").GetProperty("labels").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "keep" }));
    }

    [Test]
    public async Task Apply_CreatesWithTheStatusWritten_WhichTheServerKeepsForANodeAndResetsForAPod()
    {
        var file = Path.Combine(_serve.Root, "node-and-pod.yaml");
        await File.WriteAllTextAsync(file, """
            apiVersion: v1
            kind: Node
            metadata:
              name: applied-node
            status:
              capacity: {cpu: "4", memory: 8Gi, pods: "110"}
              allocatable: {cpu: "4", memory: 8Gi, pods: "110"}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: claims-to-run
            spec:
              containers: [{name: app, image: busybox}]
            status:
              phase: Running
            """);

        var apply = await Cluster(["apply", "-f", file]);
        Assert.That(apply.Code, Is.EqualTo(0), apply.Stderr);
        using var node = JsonDocument.Parse((await Cluster(["get", "node", "applied-node", "-o", "json"])).Stdout);
        using var pod = JsonDocument.Parse((await Cluster(["get", "pod", "claims-to-run", "-o", "json"])).Stdout);

        Assert.That(node.RootElement.GetProperty("status").GetProperty("allocatable").GetProperty("cpu").GetString(), Is.EqualTo("4"), "a Node is registered with its status, as a kubelet does");
        Assert.That(pod.RootElement.GetProperty("status").GetProperty("phase").GetString(), Is.EqualTo("Pending"), "a new Pod's status is the server's, not the manifest's");
    }

    [Test]
    public async Task Kubeconfig_GivesServerTokenAndNamespace()
    {
        var kubeconfig = Path.Combine(_serve.Root, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: local
              cluster:
                server: {_serve.Server}
            users:
            - name: admin
              user:
                token: {Token}
            contexts:
            - name: local
              context:
                cluster: local
                user: admin
                namespace: kube-system
            current-context: local
            """);

        var (code, stdout, stderr) = await CliRunner.RunAsync("cluster", "get", "serviceaccounts", "--kubeconfig", kubeconfig, "-o", "name");

        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout.Trim(), Is.EqualTo("serviceaccount/default"));
        Assert.That(ClusterConnection.Read(kubeconfig), Is.EqualTo((_serve.Server, Token, "kube-system")));
    }

    [Test]
    public async Task WrongToken_IsUnauthorized_AndViewer_IsForbidden()
    {
        var wrong = await CliRunner.RunAsync("cluster", "get", "pods", "--server", _serve.Server, "--token", "nope");
        var viewer = await CliRunner.RunAsync("cluster", "get", "pods", "--server", _serve.Server, "--token", InProcessServe.ViewerToken);

        Assert.That(wrong.Code, Is.EqualTo(1));
        Assert.That(wrong.Stderr.Trim(), Is.EqualTo("containers: unauthorized: Unauthorized"));
        Assert.That(viewer.Stderr.Trim(), Is.EqualTo("containers: forbidden: pods is forbidden: User \"viewer\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\""));
    }

    [Test]
    public async Task RolloutStatus_WaitsUntilANodeRunsThePods()
    {
        Assert.That((await Cluster(["apply", "-f", Path.Combine(Manifests, "deployment-nginx.yaml")])).Code, Is.EqualTo(0));
        using var client = new HttpApiClient(new Uri(_serve.Server), Token);
        var type = client.Registry.Get<Deployment>();
        var key = new NamespacedName("default", "web-deployment");
        await Eventually.UntilAsync(
            async () => ((Deployment)await client.GetAsync(type, key)).Status,
            s => s.ObservedGeneration == 1 && s.UpdatedReplicas == 3,
            "the deployment controller to make three pods");

        // With no node, no pod can become available: rollout status has to wait.
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var following = ContainersCli.RunAsync(
            ["cluster", "rollout", "status", "deployment/web-deployment", "--server", _serve.Server, "--token", Token],
            TextWriter.Synchronized(output),
            TextWriter.Synchronized(errors));
        await Eventually.UntilAsync(() => Task.FromResult(output.ToString()), o => o.Length > 0 || following.IsCompleted, "rollout status to say where the rollout is");
        Assert.That(following.IsCompleted, Is.False, () => $"rollout status ended with no node: {output}{errors}");

        // A node agent reporting through the API, as a kubelet on another machine; its runtime is a fake one.
        await using var agent = new NodeAgent(client, new FakeNodeRuntime(), new NodeAgentOptions { NodeName = "node-1" });
        await agent.StartAsync();
        var code = await following.WaitAsync(Eventually.DefaultTimeout);

        Assert.That(code, Is.EqualTo(0), errors.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("Waiting for deployment \"web-deployment\" rollout to finish: 0 of 3 updated replicas are available..."));
        Assert.That(lines[^1], Is.EqualTo("deployment \"web-deployment\" successfully rolled out"));
        var pods = (await client.ListAsync(client.Registry.Get<Pod>(), "default")).Items.Cast<Pod>().ToList();
        Assert.That(pods.Select(p => (p.Spec.NodeName, p.Status.Phase)), Is.EqualTo(Enumerable.Repeat(("node-1", PodPhase.Running), 3)));
    }

    [Test]
    public async Task RolloutUndo_RestoresThePreviousRevisionsTemplate()
    {
        var manifest = Path.Combine(_serve.Root, "web.yaml");
        var original = await File.ReadAllTextAsync(Path.Combine(Manifests, "deployment-nginx.yaml"));
        Assert.That(original, Does.Contain("image: nginx:1.25.3"));
        using var client = new HttpApiClient(new Uri(_serve.Server), Token);
        foreach (var (revision, image) in new[] { ("1", "nginx:1.25.3"), ("2", "nginx:1.26.0") })
        {
            await File.WriteAllTextAsync(manifest, original.Replace("nginx:1.25.3", image, StringComparison.Ordinal));
            Assert.That((await Cluster(["apply", "-f", manifest])).Code, Is.EqualTo(0));
            await RevisionOfAsync(client, image, revision);
        }

        var undo = await Cluster(["rollout", "undo", "deployment/web-deployment"]);
        var after = await Cluster(["get", "deployment", "web-deployment", "-o", "json"]);

        Assert.That(undo.Stdout.Trim(), Is.EqualTo("deployment.apps/web-deployment rolled back"), undo.Stderr);
        using var document = JsonDocument.Parse(after.Stdout);
        var spec = document.RootElement.GetProperty("spec").GetProperty("template");
        Assert.That(spec.GetProperty("spec").GetProperty("containers")[0].GetProperty("image").GetString(), Is.EqualTo("nginx:1.25.3"));
        Assert.That(spec.GetProperty("metadata").GetProperty("labels").TryGetProperty("pod-template-hash", out _), Is.False);

        // The deployment controller takes the first revision's ReplicaSet back as the newest revision.
        await RevisionOfAsync(client, "nginx:1.25.3", "3");
        var missing = await Cluster(["rollout", "undo", "deployment/web-deployment", "--to-revision", "7"]);
        Assert.That(missing.Stderr, Does.Contain("unable to find specified revision 7 in history"));
    }

    /// <summary>Waits until the Deployment's ReplicaSet of <paramref name="image"/> has <paramref name="revision"/>.</summary>
    private static Task<List<ReplicaSet>> RevisionOfAsync(HttpApiClient client, string image, string revision) =>
        Eventually.UntilAsync(
            async () => (await client.ListAsync(client.Registry.Get<ReplicaSet>(), "default")).Items.Cast<ReplicaSet>().ToList(),
            sets => sets.Any(rs => rs.Spec.Template.Spec.Containers[0].Image == image && rs.Metadata.Annotations.GetValueOrDefault(RolloutCommand.RevisionAnnotation) == revision),
            $"revision {revision} of the deployment, with {image}",
            sets => string.Join("; ", sets.Select(rs => $"{rs.Name} {rs.Spec.Template.Spec.Containers[0].Image} revision {rs.Metadata.Annotations.GetValueOrDefault(RolloutCommand.RevisionAnnotation)}")));

    private Task<(int Code, string Stdout, string Stderr)> Cluster(string[] args) => _serve.Cluster(args);
}
