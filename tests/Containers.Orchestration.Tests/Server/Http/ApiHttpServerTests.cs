using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Leader;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Api.Rbac;
using Containers.Orchestration.Server;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Server.Http;
using Containers.Orchestration.Server.Rbac;
using Containers.Orchestration.Scheduling;
using Containers.Orchestration.Store;
using Containers.Orchestration.Store.Embedded;

namespace Containers.Orchestration.Tests.Server.Http;

/// <summary>The REST API end to end on 127.0.0.1: CRUD, watch streams, Status errors and their codes.</summary>
public sealed class ApiHttpServerTests
{
    private const string AdminToken = "admin-token";
    private const string ViewerToken = "viewer-token";
    private const string SchedulerToken = "scheduler-token";

    private EmbeddedStateStore _store = null!;
    private ApiServer _server = null!;
    private ApiHttpServer _http = null!;
    private HttpApiClient _admin = null!;
    private HttpClient _raw = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _store = EmbeddedStateStore.CreateInMemory();
        _server = new ApiServer(_store);
        await _server.StartAsync();
        var tokens = StaticTokenFile.Parse($"{AdminToken},admin,1,system:masters\n{ViewerToken},viewer,2\n{SchedulerToken},{BootstrapPolicy.SchedulerUser},3");
        _http = new ApiHttpServer(_server, new ApiHttpServerOptions { Authenticator = tokens });
        await _http.StartAsync();
        _admin = new HttpApiClient(_http.Address!, AdminToken);
        _raw = new HttpClient { BaseAddress = _http.Address };
        _raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        _raw.Dispose();
        _admin.Dispose();
        await _http.DisposeAsync();
        await _server.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Test]
    public void Address_IsLoopbackWithTheChosenPort()
    {
        Assert.That(_http.Address!.Host, Is.EqualTo("127.0.0.1"));
        Assert.That(_http.Address.Port, Is.GreaterThan(0));
    }

    [Test]
    public async Task Crud_ThroughTheClient()
    {
        var deployments = ResourceRegistry.Default.Get<Deployment>();
        var created = (Deployment)await _admin.CreateAsync(NewDeployment("web", 2));
        Assert.That(created.Metadata.Generation, Is.EqualTo(1));

        var read = (Deployment)await _admin.GetAsync(deployments, created.Key);
        Assert.That(read.Metadata.Uid, Is.EqualTo(created.Metadata.Uid));

        var updated = (Deployment)await _admin.UpdateAsync(read with { Spec = read.Spec with { Replicas = 5 } });
        Assert.That(updated.Metadata.Generation, Is.EqualTo(2));

        var patched = (Deployment)await _admin.PatchAsync(deployments, created.Key, PatchType.StrategicMerge, """{"spec":{"replicas":3}}"""u8.ToArray());
        Assert.That(patched.Spec.Replicas, Is.EqualTo(3));

        var status = (Deployment)await _admin.UpdateAsync(patched with { Status = new DeploymentStatus { Replicas = 3 } }, "status");
        Assert.That(status.Status.Replicas, Is.EqualTo(3));

        var list = await _admin.ListAsync(deployments, "default");
        Assert.That(list.Items.Select(d => d.Name), Is.EqualTo(new[] { "web" }));
        Assert.That(list.ResourceVersion, Is.Not.Empty);

        await _admin.DeleteAsync(deployments, created.Key);
        Assert.That(await _admin.FindAsync(deployments, created.Key), Is.Null);
    }

    [Test]
    public async Task List_PagesWithLimitAndContinue_AndSelects()
    {
        var maps = ResourceRegistry.Default.Get<ConfigMap>();
        foreach (var name in new[] { "a", "b", "c" })
        {
            await _admin.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = name, Namespace = "default", Labels = new Dictionary<string, string> { ["n"] = name } } });
        }

        var first = await _admin.ListAsync(maps, "default", new ListOptions { Limit = 2 });
        var second = await _admin.ListAsync(maps, "default", new ListOptions { Limit = 2, Continue = first.Continue });
        var selected = await _admin.ListAsync(maps, "default", new ListOptions { LabelSelector = LabelSelector.Parse("n notin (a,b)") });
        var byField = await _admin.ListAsync(maps, null, new ListOptions { FieldSelector = FieldSelector.Parse("metadata.name=b") });

        Assert.Multiple(() =>
        {
            Assert.That(first.Items.Select(i => i.Name), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(first.Continue, Is.Not.Null);
            Assert.That(second.Items.Select(i => i.Name), Is.EqualTo(new[] { "c" }));
            Assert.That(selected.Items.Select(i => i.Name), Is.EqualTo(new[] { "c" }));
            Assert.That(byField.Items.Select(i => i.Name), Is.EqualTo(new[] { "b" }));
        });
    }

    [Test]
    public async Task Watch_StreamsNewlineDelimitedEvents()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var pods = ResourceRegistry.Default.Get<Pod>();
        var start = await _admin.ListAsync(pods, "default");
        var lines = new List<string>();
        var reading = Task.Run(async () =>
        {
            using var response = await _raw.GetAsync($"/api/v1/namespaces/default/pods?watch=true&resourceVersion={start.ResourceVersion}", HttpCompletionOption.ResponseHeadersRead, cts.Token);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            while (lines.Count < 3 && await reader.ReadLineAsync(cts.Token) is { } line)
            {
                lines.Add(line);
            }
        }, cts.Token);

        // The watch may not be registered yet when the writes happen; it starts from the list's revision, so nothing is missed.
        var pod = (Pod)await _admin.CreateAsync(NewPod("web"));
        await _admin.UpdateAsync(pod with { Metadata = pod.Metadata with { Labels = new Dictionary<string, string> { ["v"] = "2" } } });
        await _admin.DeleteAsync(pods, pod.Key);
        await reading;

        var events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(events.Select(e => e.GetProperty("type").GetString()), Is.EqualTo(new[] { "ADDED", "MODIFIED", "DELETED" }));
        Assert.That(events[0].GetProperty("object").GetProperty("metadata").GetProperty("name").GetString(), Is.EqualTo("web"));
        Assert.That(events[0].GetProperty("object").GetProperty("kind").GetString(), Is.EqualTo("Pod"));
    }

    [Test]
    public async Task Watch_ThroughTheClient_YieldsTypedEvents()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var maps = ResourceRegistry.Default.Get<ConfigMap>();
        var start = await _admin.ListAsync(maps, "default");
        await _admin.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "watched", Namespace = "default" } });

        await using var events = _admin.WatchAsync(maps, "default", new WatchOptions { ResourceVersion = start.ResourceVersion }, cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.That(await events.MoveNextAsync(), Is.True);
        Assert.That(events.Current.Type, Is.EqualTo(WatchEventType.Added));
        Assert.That(events.Current.Object, Is.TypeOf<ConfigMap>());
    }

    [Test]
    public async Task Watch_FromCompactedVersion_EndsWithGone()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var maps = ResourceRegistry.Default.Get<ConfigMap>();
        var first = await _admin.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "a", Namespace = "default" } });
        var last = await _admin.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "b", Namespace = "default" } });
        await _store.CompactAsync(last.Metadata.ResourceVersion!);

        var error = Assert.ThrowsAsync<GoneException>(async () =>
        {
            await foreach (var _ in _admin.WatchAsync(maps, "default", new WatchOptions { ResourceVersion = first.Metadata.ResourceVersion }, cts.Token))
            {
            }
        });

        Assert.That(error, Is.Not.Null);
    }

    [Test]
    public async Task Errors_AreStatusObjectsWithKubernetesCodes()
    {
        await _admin.CreateAsync(NewPod("web"));

        var notFound = await SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/ghost");
        var exists = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/pods", PodJson("web"));
        var invalid = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/pods", PodJson("Bad_Name"));
        var unknown = await SendAsync(HttpMethod.Get, "/apis/example.com/v1/widgets");

        Assert.Multiple(() =>
        {
            Assert.That(notFound.Code, Is.EqualTo(404));
            Assert.That(notFound.Status.GetProperty("reason").GetString(), Is.EqualTo("NotFound"));
            Assert.That(notFound.Status.GetProperty("message").GetString(), Is.EqualTo("pods \"ghost\" not found"));
            Assert.That(notFound.Status.GetProperty("details").GetProperty("kind").GetString(), Is.EqualTo("pods"));
            Assert.That(notFound.Status.GetProperty("kind").GetString(), Is.EqualTo("Status"));
            Assert.That(notFound.Status.GetProperty("status").GetString(), Is.EqualTo("Failure"));
            Assert.That(exists.Code, Is.EqualTo(409));
            Assert.That(exists.Status.GetProperty("reason").GetString(), Is.EqualTo("AlreadyExists"));
            Assert.That(invalid.Code, Is.EqualTo(422));
            Assert.That(invalid.Status.GetProperty("reason").GetString(), Is.EqualTo("Invalid"));
            Assert.That(invalid.Status.GetProperty("details").GetProperty("causes")[0].GetProperty("field").GetString(), Is.EqualTo("metadata.name"));
            Assert.That(unknown.Code, Is.EqualTo(404));
        });
    }

    [Test]
    public async Task StaleUpdate_Is409Conflict()
    {
        var map = await _admin.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "c", Namespace = "default" } });
        await _admin.UpdateAsync(map with { Metadata = map.Metadata with { Labels = new Dictionary<string, string> { ["a"] = "1" } } });

        var stale = await SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/configmaps/c",
            $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","resourceVersion":"{{{map.Metadata.ResourceVersion}}}"}}""");

        Assert.That(stale.Code, Is.EqualTo(409));
        Assert.That(stale.Status.GetProperty("reason").GetString(), Is.EqualTo("Conflict"));
    }

    [Test]
    public async Task CompactedList_Is410Gone()
    {
        var first = await _admin.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "a", Namespace = "default" } });
        var last = await _admin.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "b", Namespace = "default" } });
        await _store.CompactAsync(last.Metadata.ResourceVersion!);

        var gone = await SendAsync(HttpMethod.Get, $"/api/v1/namespaces/default/configmaps?resourceVersion={first.Metadata.ResourceVersion}");

        Assert.That(gone.Code, Is.EqualTo(410));
        Assert.That(gone.Status.GetProperty("reason").GetString(), Is.EqualTo("Expired"));
    }

    [Test]
    public async Task WithoutToken_Is401_AndWithUnknownToken_Is401()
    {
        using var anonymous = new HttpClient { BaseAddress = _http.Address };
        using var response = await anonymous.GetAsync("/api/v1/namespaces/default/pods");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(body.GetProperty("reason").GetString(), Is.EqualTo("Unauthorized"));
        Assert.That(body.GetProperty("code").GetInt32(), Is.EqualTo(401));

        using var wrong = new HttpApiClient(_http.Address!, "wrong");
        Assert.ThrowsAsync<UnauthorizedException>(async () => await wrong.GetVersionAsync());
    }

    [Test]
    public async Task ViewerWithoutRoles_Is403WithKubernetesMessage()
    {
        using var viewer = new HttpClient { BaseAddress = _http.Address };
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ViewerToken);

        using var response = await viewer.GetAsync("/api/v1/namespaces/default/pods");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(body.GetProperty("message").GetString(), Is.EqualTo("pods is forbidden: User \"viewer\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\""));
    }

    [Test]
    public async Task ViewerBoundToView_CanListButNotDelete()
    {
        await _admin.CreateAsync(new RoleBinding
        {
            Metadata = new ObjectMeta { Name = "viewer-view", Namespace = "default" },
            RoleRef = new RoleRef { ApiGroup = RbacV1.Group, Kind = "ClusterRole", Name = "view" },
            Subjects = [new Subject { Kind = "User", ApiGroup = RbacV1.Group, Name = "viewer" }],
        });
        await _admin.CreateAsync(NewPod("web"));
        using var viewer = new HttpApiClient(_http.Address!, ViewerToken);
        var pods = ResourceRegistry.Default.Get<Pod>();

        var list = await viewer.ListAsync(pods, "default");

        Assert.That(list.Items, Has.Count.EqualTo(1));
        Assert.ThrowsAsync<ForbiddenException>(async () => await viewer.DeleteAsync(pods, new NamespacedName("default", "web")));
    }

    [Test]
    public async Task Discovery_And_Version_AreServed()
    {
        var core = await SendAsync(HttpMethod.Get, "/api/v1");
        var apps = await SendAsync(HttpMethod.Get, "/apis/apps/v1");
        var groups = await SendAsync(HttpMethod.Get, "/apis");
        var version = await _admin.GetVersionAsync();

        Assert.Multiple(() =>
        {
            Assert.That(core.Code, Is.EqualTo(200));
            Assert.That(core.Status.GetProperty("resources").EnumerateArray().Select(r => r.GetProperty("name").GetString()), Does.Contain("pods").And.Contain("pods/status").And.Contain("pods/binding"));
            Assert.That(apps.Status.GetProperty("groupVersion").GetString(), Is.EqualTo("apps/v1"));
            Assert.That(groups.Status.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("name").GetString()), Does.Contain("apps").And.Contain("rbac.authorization.k8s.io"));
            Assert.That(version.Major, Is.EqualTo("1"));
        });
    }

    [Test]
    public async Task PodsBinding_PutsThePodOnTheNode_AndAnswersASuccessStatus()
    {
        var pod = (Pod)await _admin.CreateAsync(NewPod("web"));

        var bound = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/pods/web/binding", $$$"""{"apiVersion":"v1","kind":"Binding","metadata":{"name":"web","uid":"{{{pod.Metadata.Uid}}}"},"target":{"apiVersion":"v1","kind":"Node","name":"node-1"}}""");
        var read = (Pod)await _admin.GetAsync(ResourceRegistry.Default.Get<Pod>(), pod.Key);

        Assert.Multiple(() =>
        {
            Assert.That(bound.Code, Is.EqualTo(201));
            Assert.That(bound.Status.GetProperty("kind").GetString(), Is.EqualTo("Status"));
            Assert.That(bound.Status.GetProperty("status").GetString(), Is.EqualTo("Success"));
            Assert.That(read.Spec.NodeName, Is.EqualTo("node-1"));
            Assert.That(read.Status.Conditions.Single(c => c.Type == PodConditionType.PodScheduled).Status, Is.EqualTo(ConditionStatus.True));
        });
    }

    [Test]
    public async Task PodsBinding_ThroughTheClient_RefusesABoundPodAndAnotherUid()
    {
        var pod = (Pod)await _admin.CreateAsync(NewPod("web"));
        await _admin.CreateAsync(NewPod("other"));

        await _admin.BindAsync(pod.Key, pod.Metadata.Uid, "node-1");

        var again = Assert.ThrowsAsync<ConflictException>(async () => await _admin.BindAsync(pod.Key, null, "node-2"));
        Assert.That(again!.Message, Does.Contain("already assigned to node \"node-1\""));
        var stale = Assert.ThrowsAsync<ConflictException>(async () => await _admin.BindAsync(new NamespacedName("default", "other"), pod.Metadata.Uid, "node-1"));
        Assert.That(stale!.Message, Does.Contain("uid"));
        Assert.ThrowsAsync<NotFoundException>(async () => await _admin.BindAsync(new NamespacedName("default", "missing"), null, "node-1"));
    }

    [Test]
    public async Task PodsBinding_BadBodies_AreRefusedWithWhatIsWrong()
    {
        await _admin.CreateAsync(NewPod("web"));
        const string Path = "/api/v1/namespaces/default/pods/web/binding";

        var noTarget = await SendAsync(HttpMethod.Post, Path, """{"apiVersion":"v1","kind":"Binding","metadata":{"name":"web"},"target":{"kind":"Node"}}""");
        var notANode = await SendAsync(HttpMethod.Post, Path, """{"apiVersion":"v1","kind":"Binding","target":{"kind":"Pod","name":"x"}}""");
        var otherName = await SendAsync(HttpMethod.Post, Path, """{"apiVersion":"v1","kind":"Binding","metadata":{"name":"db"},"target":{"name":"node-1"}}""");
        var notJson = await SendAsync(HttpMethod.Post, Path, "{");
        var dryRun = await SendAsync(HttpMethod.Post, Path + "?dryRun=All", """{"target":{"name":"node-1"}}""");

        Assert.Multiple(() =>
        {
            Assert.That(noTarget.Code, Is.EqualTo(422));
            Assert.That(noTarget.Status.GetProperty("message").GetString(), Does.Contain("target.name: Required value"));
            Assert.That(notANode.Code, Is.EqualTo(422));
            Assert.That(notANode.Status.GetProperty("message").GetString(), Does.Contain("target.kind: Unsupported value: \"Pod\""));
            Assert.That(otherName.Code, Is.EqualTo(400));
            Assert.That(otherName.Status.GetProperty("message").GetString(), Does.Contain("(db) does not match the name on the URL (web)"));
            Assert.That(notJson.Code, Is.EqualTo(400));
            Assert.That(dryRun.Code, Is.EqualTo(400));
        });
        var pod = (Pod)await _admin.GetAsync(ResourceRegistry.Default.Get<Pod>(), new NamespacedName("default", "web"));
        Assert.That(pod.Spec.NodeName, Is.Null.Or.Empty, "no refused binding placed it");
    }

    [Test]
    public async Task TheScheduler_RunningApartOverHttpAsSystemKubeScheduler_BindsAPendingPod()
    {
        // kube-scheduler's shape: its own process, its own token, the API as its only link.
        var allocatable = new Dictionary<string, Quantity>(StringComparer.Ordinal) { [ResourceNames.Cpu] = Quantity.Parse("2"), [ResourceNames.Memory] = Quantity.Parse("4Gi"), [ResourceNames.Pods] = Quantity.Parse("110") };
        var ready = new Condition { Type = NodeConditionType.Ready, Status = ConditionStatus.True, LastHeartbeatTime = DateTimeOffset.UtcNow, LastTransitionTime = DateTimeOffset.UtcNow };
        await _admin.CreateAsync(new Node { Metadata = new ObjectMeta { Name = "node-1" }, Status = new NodeStatus { Capacity = allocatable, Allocatable = allocatable, Conditions = [ready] } });
        await _admin.CreateAsync(NewPod("web"));
        using var remote = new HttpApiClient(_http.Address!, SchedulerToken);
        var manager = new ControllerManager(remote, new InProcessLeaderElector());
        manager.Add(Containers.Orchestration.Controllers.BuiltInControllers.Scheduler, context => new Scheduler(context));
        using var stop = new CancellationTokenSource();
        var running = manager.RunAsync(stop.Token);
        try
        {
            var pods = ResourceRegistry.Default.Get<Pod>();
            var pod = (Pod)await _admin.GetAsync(pods, new NamespacedName("default", "web"));
            for (var deadline = DateTime.UtcNow.AddSeconds(30); string.IsNullOrEmpty(pod.Spec.NodeName) && DateTime.UtcNow < deadline; await Task.Delay(20))
            {
                pod = (Pod)await _admin.GetAsync(pods, pod.Key);
            }

            Assert.That(pod.Spec.NodeName, Is.EqualTo("node-1"), "bound through pods/binding, with no rights beyond system:kube-scheduler's");
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    [Test]
    public async Task PodsBinding_NeedsCreateOnPodsBinding()
    {
        await _admin.CreateAsync(NewPod("web"));
        await _admin.CreateAsync(new RoleBinding
        {
            Metadata = new ObjectMeta { Name = "viewer-edit", Namespace = "default" },
            RoleRef = new RoleRef { ApiGroup = RbacV1.Group, Kind = "ClusterRole", Name = "edit" },
            Subjects = [new Subject { Kind = "User", ApiGroup = RbacV1.Group, Name = "viewer" }],
        });
        using var viewer = new HttpApiClient(_http.Address!, ViewerToken);

        // Editing pods is not scheduling them: kube-scheduler's role holds pods/binding, edit does not.
        var refused = Assert.ThrowsAsync<ForbiddenException>(async () => await viewer.BindAsync(new NamespacedName("default", "web"), null, "node-1"));

        Assert.That(refused!.Message, Does.Contain("cannot create resource \"pods/binding\""));
    }

    [Test]
    public async Task Delete_WithFinalizer_Is202AndKeepsTheObject()
    {
        await _admin.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "held", Namespace = "default", Finalizers = ["example.com/x"] } });

        var deleted = await SendAsync(HttpMethod.Delete, "/api/v1/namespaces/default/configmaps/held", """{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Foreground"}""");

        Assert.That(deleted.Code, Is.EqualTo(202));
        Assert.That(deleted.Status.GetProperty("metadata").GetProperty("finalizers").EnumerateArray().Select(f => f.GetString()), Is.EqualTo(new[] { "example.com/x", "foregroundDeletion" }));
    }

    [Test]
    public async Task Create_NamespaceMismatch_Is400()
    {
        var response = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"other"}}""");

        Assert.That(response.Code, Is.EqualTo(400));
        Assert.That(response.Status.GetProperty("reason").GetString(), Is.EqualTo("BadRequest"));
    }

    [Test]
    public async Task UnixSocket_ServesTheSameApi()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"api-{Guid.NewGuid():N}.sock");
        await using (var http = new ApiHttpServer(_server, new ApiHttpServerOptions { UnixSocketPath = socket, Authenticator = StaticTokenFile.Parse($"{AdminToken},admin,1,system:masters") }))
        {
            await http.StartAsync();
            using var client = new HttpApiClient(http.Address!, AdminToken);

            var ns = await client.GetAsync(ResourceRegistry.Default.Get<Namespace>(), new NamespacedName(null, "default"));

            Assert.That(ns.Name, Is.EqualTo("default"));
        }

        Assert.That(File.Exists(socket), Is.False);
    }

    private async Task<(int Code, JsonElement Status)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await _raw.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string PodJson(string name) =>
        $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}"},"spec":{"containers":[{"name":"web","image":"nginx"}]}}""";

    private static Pod NewPod(string name) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new PodSpec { Containers = [new Container { Name = "web", Image = "nginx:1.27" }] },
    };

    private static Deployment NewDeployment(string name, int replicas) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new DeploymentSpec
        {
            Replicas = replicas,
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new PodSpec { Containers = [new Container { Name = "web", Image = "nginx:1.27" }] },
            },
        },
    };
}
