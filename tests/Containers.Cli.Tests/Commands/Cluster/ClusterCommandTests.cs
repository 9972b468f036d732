using System.Text.Json;
using Containers.Cli.Commands.Cluster;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Server.Http;

namespace Containers.Cli.Tests.Commands.Cluster;

/// <summary>
/// <c>containers cluster</c> end to end: serve on 127.0.0.1 with a token file in a temporary root,
/// apply the Kubernetes documentation's example manifests, read them back as tables, YAML and JSON,
/// change and delete them, and stop the server.
/// </summary>
[NonParallelizable]
public sealed class ClusterCommandTests
{
    private const string Token = "e2e-admin-token";

    private string _root = null!;
    private CancellationTokenSource _stop = null!;
    private Task<int> _serve = null!;
    private StringWriter _serveErrors = null!;
    private string _server = null!;

    private static string Manifests => Path.Combine(TestContext.CurrentContext.TestDirectory, "Manifests");

    [SetUp]
    public async Task StartServerAsync()
    {
        _root = Directory.CreateTempSubdirectory("cluster-cli-").FullName;
        var tokens = Path.Combine(_root, "tokens.csv");
        await File.WriteAllTextAsync(tokens, $"{Token},admin,1,\"system:masters\"\nviewer-token,viewer,2\n");
        _stop = new CancellationTokenSource();
        var output = new StringWriter();
        var synchronized = TextWriter.Synchronized(output);
        _serveErrors = new StringWriter();
        var errors = TextWriter.Synchronized(_serveErrors);
        _serve = RunServeAsync(synchronized, errors, ["--root", Path.Combine(_root, "state"), "cluster", "serve", "--listen", "127.0.0.1:0", "--token-file", tokens]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!output.ToString().Contains("Serving the Kubernetes API on ", StringComparison.Ordinal))
        {
            Assert.That(_serve.IsCompleted, Is.False, () => $"serve ended: {_serveErrors}");
            await Task.Delay(20, timeout.Token);
        }

        var line = output.ToString();
        var start = line.IndexOf("http://", StringComparison.Ordinal);
        _server = line[start..line.IndexOf(' ', start)].TrimEnd('/');
    }

    [TearDown]
    public async Task StopServerAsync()
    {
        await _stop.CancelAsync();
        var code = await _serve;
        _serve.Dispose();
        _stop.Dispose();
        Directory.Delete(_root, recursive: true);
        var errors = _serveErrors.ToString();
        await _serveErrors.DisposeAsync();
        Assert.That(code, Is.EqualTo(0), errors);
    }

    [Test]
    public async Task Apply_DocumentationExamples_ThenGetAndDelete()
    {
        var development = Path.Combine(_root, "development.yaml");
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
        var file = Path.Combine(_root, "settings.yaml");
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
    public async Task Kubeconfig_GivesServerTokenAndNamespace()
    {
        var kubeconfig = Path.Combine(_root, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: local
              cluster:
                server: {_server}
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
        Assert.That(ClusterConnection.Read(kubeconfig), Is.EqualTo((_server, Token, "kube-system")));
    }

    [Test]
    public async Task WrongToken_IsUnauthorized_AndViewer_IsForbidden()
    {
        var wrong = await CliRunner.RunAsync("cluster", "get", "pods", "--server", _server, "--token", "nope");
        var viewer = await CliRunner.RunAsync("cluster", "get", "pods", "--server", _server, "--token", "viewer-token");

        Assert.That(wrong.Code, Is.EqualTo(1));
        Assert.That(wrong.Stderr.Trim(), Is.EqualTo("containers: unauthorized: Unauthorized"));
        Assert.That(viewer.Stderr.Trim(), Is.EqualTo("containers: forbidden: pods is forbidden: User \"viewer\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\""));
    }

    [Test]
    public async Task RolloutStatus_WaitsUntilTheDeploymentIsRolledOut()
    {
        Assert.That((await Cluster(["apply", "-f", Path.Combine(Manifests, "deployment-nginx.yaml")])).Code, Is.EqualTo(0));
        using var client = new HttpApiClient(new Uri(_server), Token);
        var type = client.Registry.Get<Deployment>();
        var key = new NamespacedName("default", "web-deployment");
        var deployment = (Deployment)await client.GetAsync(type, key);
        deployment = (Deployment)await client.UpdateAsync(deployment with { Status = new DeploymentStatus { ObservedGeneration = 1, Replicas = 1, UpdatedReplicas = 1 } }, "status");

        var following = Cluster(["rollout", "status", "deployment/web-deployment"]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Task.Delay(200, timeout.Token);
        Assert.That(following.IsCompleted, Is.False, "still rolling out");
        await client.UpdateAsync(deployment with { Status = new DeploymentStatus { ObservedGeneration = 1, Replicas = 3, UpdatedReplicas = 3, ReadyReplicas = 3, AvailableReplicas = 3 } }, "status");
        var (code, stdout, stderr) = await following.WaitAsync(timeout.Token);

        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            "Waiting for deployment \"web-deployment\" rollout to finish: 1 out of 3 new replicas have been updated...",
            "deployment \"web-deployment\" successfully rolled out",
        }));
    }

    [Test]
    public async Task RolloutUndo_RestoresThePreviousRevisionsTemplate()
    {
        Assert.That((await Cluster(["apply", "-f", Path.Combine(Manifests, "deployment-nginx.yaml")])).Code, Is.EqualTo(0));
        using var client = new HttpApiClient(new Uri(_server), Token);
        var deployment = (Deployment)await client.GetAsync(client.Registry.Get<Deployment>(), new NamespacedName("default", "web-deployment"));
        foreach (var (revision, image) in new[] { (1, "nginx:1.24"), (2, deployment.Spec.Template.Spec.Containers[0].Image) })
        {
            var template = deployment.Spec.Template with
            {
                Metadata = deployment.Spec.Template.Metadata with { Labels = new Dictionary<string, string>(deployment.Spec.Template.Metadata.Labels) { ["pod-template-hash"] = $"h{revision}" } },
                Spec = deployment.Spec.Template.Spec with { Containers = [deployment.Spec.Template.Spec.Containers[0] with { Image = image }] },
            };
            await client.CreateAsync(new ReplicaSet
            {
                Metadata = new ObjectMeta
                {
                    Name = $"web-deployment-h{revision}",
                    Namespace = "default",
                    Annotations = new Dictionary<string, string> { [RolloutCommand.RevisionAnnotation] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    OwnerReferences = [OwnerReference.ControllerOf(deployment)],
                },
                Spec = new ReplicaSetSpec { Replicas = 0, Selector = deployment.Spec.Selector, Template = template },
            });
        }

        var undo = await Cluster(["rollout", "undo", "deployment/web-deployment"]);
        var after = await Cluster(["get", "deployment", "web-deployment", "-o", "json"]);

        Assert.That(undo.Stdout.Trim(), Is.EqualTo("deployment.apps/web-deployment rolled back"), undo.Stderr);
        using var document = JsonDocument.Parse(after.Stdout);
        var spec = document.RootElement.GetProperty("spec").GetProperty("template");
        Assert.That(spec.GetProperty("spec").GetProperty("containers")[0].GetProperty("image").GetString(), Is.EqualTo("nginx:1.24"));
        Assert.That(spec.GetProperty("metadata").GetProperty("labels").TryGetProperty("pod-template-hash", out _), Is.False);
        var missing = await Cluster(["rollout", "undo", "deployment/web-deployment", "--to-revision", "7"]);
        Assert.That(missing.Stderr, Does.Contain("unable to find specified revision 7 in history"));
    }

    private Task<(int Code, string Stdout, string Stderr)> Cluster(string[] args) =>
        CliRunner.RunAsync(["cluster", .. args, "--server", _server, "--token", Token]);

    private async Task<int> RunServeAsync(TextWriter output, TextWriter errors, string[] args)
    {
        await Task.Yield();
        return await ContainersCli.RunAsync(args, output, errors, _stop.Token);
    }
}
