using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Server;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Store.Embedded;
using Microsoft.Extensions.Time.Testing;

namespace Containers.Orchestration.Tests.Server;

/// <summary>
/// A started API server over a fresh in-memory store, in virtual time, with the built-in
/// controllers run only on <see cref="ApiServer.SettleAsync"/> so that each step is observable.
/// </summary>
public abstract class ApiServerTest
{
    protected static readonly UserInfo Admin = UserInfo.SystemAdmin;

    protected FakeTimeProvider Time { get; private set; } = null!;

    protected EmbeddedStateStore Store { get; private set; } = null!;

    protected ApiServer Server { get; private set; } = null!;

    protected virtual ApiServerOptions Options => new() { RunBuiltInControllers = false };

    [SetUp]
    public async Task SetUpServerAsync()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero));
        Store = EmbeddedStateStore.CreateInMemory(timeProvider: Time);
        Server = new ApiServer(Store, Options, Time);
        await Server.StartAsync();
    }

    [TearDown]
    public async Task TearDownServerAsync()
    {
        await Server.DisposeAsync();
        await Store.DisposeAsync();
    }

    protected ResourceType TypeOf<T>()
        where T : KubeObject => Server.Registry.Get<T>();

    protected async Task<T> CreateAsync<T>(T obj, UserInfo? user = null)
        where T : KubeObject => (T)await Server.CreateAsync(user ?? Admin, obj);

    protected async Task<T?> FindAsync<T>(string? ns, string name)
        where T : KubeObject => (T?)await Store.GetAsync(TypeOf<T>(), new NamespacedName(ns, name));

    protected Task<Namespace> CreateNamespaceAsync(string name) =>
        CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = name } });

    protected static Pod NewPod(string name, string ns = "default", string? node = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = new Dictionary<string, string> { ["app"] = "web" } },
        Spec = new PodSpec { NodeName = node, Containers = [new Container { Name = "web", Image = "nginx:1.27" }] },
    };

    protected static ReplicaSet NewReplicaSet(string name, string ns = "default", int replicas = 2) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Spec = new ReplicaSetSpec
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

    /// <summary>A pod owned by <paramref name="owner"/> through a controller reference.</summary>
    protected static Pod OwnedPod(string name, KubeObject owner, bool block = true) => NewPod(name, owner.Namespace ?? "default") with
    {
        Metadata = NewPod(name, owner.Namespace ?? "default").Metadata with
        {
            OwnerReferences = [OwnerReference.ControllerOf(owner) with { BlockOwnerDeletion = block }],
        },
    };
}
