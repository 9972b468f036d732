using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Store;

namespace Containers.Orchestration.Tests.Store;

/// <summary>
/// What every <see cref="IStateStore"/> must do, run against each implementation by a subclass
/// (embedded in memory, embedded on disk, etcd). A fresh store per test.
/// </summary>
public abstract class StateStoreConformance
{
    private static readonly ResourceType ConfigMaps = ResourceRegistry.Default.Get<ConfigMap>();
    private static readonly ResourceType Secrets = ResourceRegistry.Default.Get<Secret>();
    private static readonly ResourceType Pods = ResourceRegistry.Default.Get<Pod>();
    private static readonly ResourceType Namespaces = ResourceRegistry.Default.Get<Namespace>();

    private CancellationTokenSource _timeout = null!;

    protected IStateStore Store { get; private set; } = null!;

    /// <summary>Guards every wait in a test, so a broken store fails instead of hanging.</summary>
    protected CancellationToken Timeout => _timeout.Token;

    /// <summary>A new, empty store.</summary>
    protected abstract Task<IStateStore> CreateStoreAsync();

    [SetUp]
    public async Task SetUpStoreAsync()
    {
        _timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Store = await CreateStoreAsync();
    }

    [TearDown]
    public async Task TearDownStoreAsync()
    {
        await Store.DisposeAsync();
        _timeout.Dispose();
    }

    protected static ConfigMap NewConfigMap(string ns, string name, IReadOnlyDictionary<string, string>? labels = null, string value = "1") => new()
    {
        Metadata = new ObjectMeta { Namespace = ns, Name = name, Labels = labels ?? new Dictionary<string, string>() },
        Data = new Dictionary<string, string> { ["value"] = value },
    };

    protected static long Rv(KubeObject obj) => ResourceVersions.Parse(obj.Metadata.ResourceVersion!);

    [Test]
    public async Task Create_ThenGet_ReturnsStoredObjectWithUidTimeAndVersion()
    {
        var created = await Store.CreateAsync(NewConfigMap("default", "app"));
        var read = (ConfigMap?)await Store.GetAsync(ConfigMaps, new NamespacedName("default", "app"));

        Assert.That(read, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(created.Metadata.Uid, Is.Not.Empty);
            Assert.That(created.Metadata.CreationTimestamp, Is.Not.Null);
            Assert.That(Rv(created), Is.GreaterThan(0));
            Assert.That(read!.Metadata.Uid, Is.EqualTo(created.Metadata.Uid));
            Assert.That(read.Metadata.ResourceVersion, Is.EqualTo(created.Metadata.ResourceVersion));
            Assert.That(read.Data["value"], Is.EqualTo("1"));
        });
    }

    [Test]
    public async Task Create_KeepsAGivenUid()
    {
        var cm = NewConfigMap("default", "app");
        var created = await Store.CreateAsync(cm with { Metadata = cm.Metadata with { Uid = "0b5ad6a4-5f5e-4f1c-9a3c-2f0d6a0f0c11" } });

        Assert.That(created.Metadata.Uid, Is.EqualTo("0b5ad6a4-5f5e-4f1c-9a3c-2f0d6a0f0c11"));
    }

    [Test]
    public async Task Create_Existing_ThrowsAlreadyExists()
    {
        await Store.CreateAsync(NewConfigMap("default", "app"));

        Assert.ThrowsAsync<AlreadyExistsException>(async () => await Store.CreateAsync(NewConfigMap("default", "app")));
    }

    [Test]
    public async Task Create_SameNameInOtherNamespaceOrKind_IsAnotherObject()
    {
        await Store.CreateAsync(NewConfigMap("default", "app"));
        await Store.CreateAsync(NewConfigMap("other", "app"));
        await Store.CreateAsync(new Secret { Metadata = new ObjectMeta { Namespace = "default", Name = "app" } });

        Assert.That((await Store.ListAsync(ConfigMaps, null)).Items, Has.Count.EqualTo(2));
        Assert.That((await Store.ListAsync(Secrets, null)).Items, Has.Count.EqualTo(1));
    }

    [Test]
    public void Create_ScopeMismatchOrNoName_ThrowsInvalidArgument()
    {
        Assert.ThrowsAsync<InvalidArgumentException>(async () => await Store.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "no-namespace" } }));
        Assert.ThrowsAsync<InvalidArgumentException>(async () => await Store.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = "ns", Namespace = "default" } }));
        Assert.ThrowsAsync<InvalidArgumentException>(async () => await Store.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Namespace = "default" } }));
    }

    [Test]
    public async Task Get_Missing_ReturnsNull() =>
        Assert.That(await Store.GetAsync(ConfigMaps, new NamespacedName("default", "none")), Is.Null);

    [Test]
    public async Task Create_IsolatesTheCallersCollections()
    {
        var labels = new Dictionary<string, string> { ["app"] = "web" };
        await Store.CreateAsync(NewConfigMap("default", "app", labels));
        labels["app"] = "changed";

        var read = await Store.GetAsync(ConfigMaps, new NamespacedName("default", "app"));

        Assert.That(read!.Metadata.Labels["app"], Is.EqualTo("web"));
    }

    [Test]
    public async Task Update_WithCurrentVersion_StoresAndBumpsVersion_KeepingUidAndCreationTime()
    {
        var created = (ConfigMap)await Store.CreateAsync(NewConfigMap("default", "app"));

        var updated = await Store.UpdateAsync(created with { Data = new Dictionary<string, string> { ["value"] = "2" }, Metadata = created.Metadata with { Uid = null, CreationTimestamp = null } });
        var read = (ConfigMap?)await Store.GetAsync(ConfigMaps, created.Key);

        Assert.Multiple(() =>
        {
            Assert.That(Rv(updated), Is.GreaterThan(Rv(created)));
            Assert.That(read!.Data["value"], Is.EqualTo("2"));
            Assert.That(read.Metadata.ResourceVersion, Is.EqualTo(updated.Metadata.ResourceVersion));
            Assert.That(read.Metadata.Uid, Is.EqualTo(created.Metadata.Uid));
            Assert.That(read.Metadata.CreationTimestamp, Is.EqualTo(created.Metadata.CreationTimestamp));
        });
    }

    [Test]
    public async Task Update_StaleVersion_ThrowsConflict_AndChangesNothing()
    {
        var created = (ConfigMap)await Store.CreateAsync(NewConfigMap("default", "app"));
        await Store.UpdateAsync(created with { Data = new Dictionary<string, string> { ["value"] = "2" } });

        Assert.ThrowsAsync<ConflictException>(async () => await Store.UpdateAsync(created with { Data = new Dictionary<string, string> { ["value"] = "stale" } }));
        var read = (ConfigMap?)await Store.GetAsync(ConfigMaps, created.Key);
        Assert.That(read!.Data["value"], Is.EqualTo("2"));
    }

    [Test]
    public async Task Update_WithoutVersion_IsUnconditional()
    {
        var created = (ConfigMap)await Store.CreateAsync(NewConfigMap("default", "app"));
        await Store.UpdateAsync(created with { Data = new Dictionary<string, string> { ["value"] = "2" } });

        var forced = await Store.UpdateAsync(created with { Metadata = created.Metadata with { ResourceVersion = null }, Data = new Dictionary<string, string> { ["value"] = "3" } });

        Assert.That(((ConfigMap)forced).Data["value"], Is.EqualTo("3"));
    }

    [Test]
    public async Task Update_OtherUid_ThrowsConflict()
    {
        var created = await Store.CreateAsync(NewConfigMap("default", "app"));

        Assert.ThrowsAsync<ConflictException>(async () => await Store.UpdateAsync(created with { Metadata = created.Metadata with { Uid = "another" } }));
    }

    [Test]
    public void Update_Missing_ThrowsNotFound() =>
        Assert.ThrowsAsync<NotFoundException>(async () => await Store.UpdateAsync(NewConfigMap("default", "none")));

    [Test]
    public async Task Delete_RemovesAndReturnsLastState()
    {
        var created = await Store.CreateAsync(NewConfigMap("default", "app"));

        var deleted = await Store.DeleteAsync(ConfigMaps, created.Key);

        Assert.That(deleted.Metadata.Uid, Is.EqualTo(created.Metadata.Uid));
        Assert.That(await Store.GetAsync(ConfigMaps, created.Key), Is.Null);
        Assert.ThrowsAsync<NotFoundException>(async () => await Store.DeleteAsync(ConfigMaps, created.Key));
    }

    [Test]
    public async Task Delete_Preconditions_MismatchIsConflict_MatchDeletes()
    {
        var created = await Store.CreateAsync(NewConfigMap("default", "app"));

        Assert.ThrowsAsync<ConflictException>(async () => await Store.DeleteAsync(ConfigMaps, created.Key, new Preconditions(Uid: "other")));
        Assert.ThrowsAsync<ConflictException>(async () => await Store.DeleteAsync(ConfigMaps, created.Key, new Preconditions(ResourceVersion: "1" + created.Metadata.ResourceVersion)));
        Assert.That(await Store.GetAsync(ConfigMaps, created.Key), Is.Not.Null);

        await Store.DeleteAsync(ConfigMaps, created.Key, new Preconditions(created.Metadata.Uid, created.Metadata.ResourceVersion));
        Assert.That(await Store.GetAsync(ConfigMaps, created.Key), Is.Null);
    }

    [Test]
    public async Task Revisions_AreStoreWideAndIncreasing()
    {
        var a = await Store.CreateAsync(NewConfigMap("default", "a"));
        var b = await Store.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = "team" } });
        var c = await Store.UpdateAsync(a);
        var list = await Store.ListAsync(Secrets, null);

        Assert.That(Rv(b), Is.GreaterThan(Rv(a)));
        Assert.That(Rv(c), Is.GreaterThan(Rv(b)));
        Assert.That(ResourceVersions.Parse(list.ResourceVersion), Is.GreaterThanOrEqualTo(Rv(c)), "a list's version covers every write before it, of any kind");
    }

    [Test]
    public async Task List_AllNamespacesOrOne_SortedByNamespaceAndName()
    {
        await Store.CreateAsync(NewConfigMap("b", "x"));
        await Store.CreateAsync(NewConfigMap("a", "y"));
        await Store.CreateAsync(NewConfigMap("a", "x"));
        await Store.CreateAsync(NewConfigMap("ab", "x"));

        var all = await Store.ListAsync(ConfigMaps, null);
        var a = await Store.ListAsync(ConfigMaps, "a");

        Assert.That(all.Items.Select(o => o.Key.ToString()), Is.EqualTo(new[] { "a/x", "a/y", "ab/x", "b/x" }));
        Assert.That(a.Items.Select(o => o.Key.ToString()), Is.EqualTo(new[] { "a/x", "a/y" }));
        Assert.That(ResourceVersions.Parse(all.ResourceVersion), Is.GreaterThanOrEqualTo(all.Items.Max(Rv)));
    }

    [Test]
    public async Task List_ClusterScopedKind()
    {
        await Store.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = "b" } });
        await Store.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = "a" } });

        var list = await Store.ListAsync(Namespaces, null);

        Assert.That(list.Items.Select(o => o.Name), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(await Store.GetAsync(Namespaces, new NamespacedName(null, "a")), Is.Not.Null);
    }

    [Test]
    public async Task List_LabelAndFieldSelectors_Filter()
    {
        await Store.CreateAsync(NewConfigMap("default", "web-1", new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" }));
        await Store.CreateAsync(NewConfigMap("default", "web-2", new Dictionary<string, string> { ["app"] = "web" }));
        await Store.CreateAsync(NewConfigMap("default", "db", new Dictionary<string, string> { ["app"] = "db" }));

        var web = await Store.ListAsync(ConfigMaps, "default", new ListOptions { LabelSelector = LabelSelector.Parse("app=web") });
        var notFront = await Store.ListAsync(ConfigMaps, "default", new ListOptions { LabelSelector = LabelSelector.Parse("app in (web,db),!tier") });
        var byName = await Store.ListAsync(ConfigMaps, null, new ListOptions { FieldSelector = FieldSelector.Parse("metadata.name=db") });

        Assert.That(web.Items.Select(o => o.Name), Is.EqualTo(new[] { "web-1", "web-2" }));
        Assert.That(notFront.Items.Select(o => o.Name), Is.EqualTo(new[] { "db", "web-2" }));
        Assert.That(byName.Items.Select(o => o.Name), Is.EqualTo(new[] { "db" }));
    }

    [Test]
    public async Task List_PodFieldSelectors_SelectByNodeAndPhase()
    {
        await Store.CreateAsync(new Pod { Metadata = new ObjectMeta { Namespace = "default", Name = "a" }, Spec = new PodSpec { NodeName = "n1" }, Status = new PodStatus { Phase = PodPhase.Running } });
        await Store.CreateAsync(new Pod { Metadata = new ObjectMeta { Namespace = "default", Name = "b" }, Spec = new PodSpec { NodeName = "n2" }, Status = new PodStatus { Phase = PodPhase.Running } });
        await Store.CreateAsync(new Pod { Metadata = new ObjectMeta { Namespace = "default", Name = "c" }, Status = new PodStatus { Phase = PodPhase.Pending } });

        var onN1 = await Store.ListAsync(Pods, null, new ListOptions { FieldSelector = FieldSelector.Parse("spec.nodeName=n1") });
        var unscheduled = await Store.ListAsync(Pods, null, new ListOptions { FieldSelector = FieldSelector.Parse("spec.nodeName=") });
        var running = await Store.ListAsync(Pods, null, new ListOptions { FieldSelector = FieldSelector.Parse("status.phase!=Pending") });

        Assert.That(onN1.Items.Select(o => o.Name), Is.EqualTo(new[] { "a" }));
        Assert.That(unscheduled.Items.Select(o => o.Name), Is.EqualTo(new[] { "c" }));
        Assert.That(running.Items.Select(o => o.Name), Is.EqualTo(new[] { "a", "b" }));
        Assert.ThrowsAsync<InvalidArgumentException>(async () => await Store.ListAsync(ConfigMaps, null, new ListOptions { FieldSelector = FieldSelector.Parse("spec.nodeName=n1") }));
    }

    [Test]
    public async Task List_LimitAndContinue_PageThroughOneSnapshot()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.CreateAsync(NewConfigMap("default", $"cm-{i}"));
        }

        var first = await Store.ListAsync(ConfigMaps, "default", new ListOptions { Limit = 2 });
        await Store.CreateAsync(NewConfigMap("default", "cm-9"));
        await Store.DeleteAsync(ConfigMaps, new NamespacedName("default", "cm-4"));
        var second = await Store.ListAsync(ConfigMaps, "default", new ListOptions { Limit = 2, Continue = first.Continue });
        var third = await Store.ListAsync(ConfigMaps, "default", new ListOptions { Limit = 2, Continue = second.Continue });

        Assert.Multiple(() =>
        {
            Assert.That(first.Items.Select(o => o.Name), Is.EqualTo(new[] { "cm-0", "cm-1" }));
            Assert.That(first.Continue, Is.Not.Null);
            Assert.That(first.RemainingItemCount, Is.EqualTo(3));
            Assert.That(second.Items.Select(o => o.Name), Is.EqualTo(new[] { "cm-2", "cm-3" }));
            Assert.That(third.Items.Select(o => o.Name), Is.EqualTo(new[] { "cm-4" }), "later pages read the first page's snapshot");
            Assert.That(third.Continue, Is.Null);
            Assert.That(second.ResourceVersion, Is.EqualTo(first.ResourceVersion));
        });
    }

    [Test]
    public async Task List_AtAnEarlierVersion_ReturnsTheStateThen()
    {
        var a = (ConfigMap)await Store.CreateAsync(NewConfigMap("default", "a"));
        var then = await Store.ListAsync(ConfigMaps, null);
        await Store.UpdateAsync(a with { Data = new Dictionary<string, string> { ["value"] = "2" } });
        await Store.CreateAsync(NewConfigMap("default", "b"));

        var old = await Store.ListAsync(ConfigMaps, null, new ListOptions { ResourceVersion = then.ResourceVersion });

        Assert.That(old.Items.Select(o => o.Name), Is.EqualTo(new[] { "a" }));
        Assert.That(((ConfigMap)old.Items[0]).Data["value"], Is.EqualTo("1"));
        Assert.That(old.ResourceVersion, Is.EqualTo(then.ResourceVersion));
    }

    [Test]
    public async Task Watch_FromVersion_SendsLaterChangesInRevisionOrder()
    {
        var start = await Store.ListAsync(ConfigMaps, null);
        var a = (ConfigMap)await Store.CreateAsync(NewConfigMap("default", "a"));
        var a2 = await Store.UpdateAsync(a with { Data = new Dictionary<string, string> { ["value"] = "2" } });
        await Store.DeleteAsync(ConfigMaps, a.Key);

        var events = await TakeAsync(Store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = start.ResourceVersion }), 3);

        Assert.That(events.Select(e => e.Type), Is.EqualTo(new[] { WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted }));
        Assert.That(events[1].Object!.Metadata.ResourceVersion, Is.EqualTo(a2.Metadata.ResourceVersion));
        Assert.That(events.Select(e => ResourceVersions.Parse(e.ResourceVersion)), Is.Ordered.Ascending.And.Unique);
        Assert.That(Rv(events[2].Object!), Is.GreaterThan(Rv(a2)), "a Deleted event carries the deletion's version");
        Assert.That(((ConfigMap)events[2].Object!).Data["value"], Is.EqualTo("2"), "and the object's last state");
    }

    [Test]
    public async Task Watch_WithoutVersion_SendsCurrentObjectsAsAddedThenLiveChanges()
    {
        await Store.CreateAsync(NewConfigMap("default", "a"));
        await Store.CreateAsync(NewConfigMap("default", "b"));
        await using var watch = Store.WatchAsync(ConfigMaps, null, cancellationToken: Timeout).GetAsyncEnumerator(Timeout);

        var initial = new[] { await NextAsync(watch), await NextAsync(watch) };
        await Store.CreateAsync(NewConfigMap("default", "c"));
        var live = await NextAsync(watch);

        Assert.That(initial.Select(e => (e.Type, e.Object!.Name)), Is.EquivalentTo(new[] { (WatchEventType.Added, "a"), (WatchEventType.Added, "b") }));
        Assert.That((live.Type, live.Object!.Name), Is.EqualTo((WatchEventType.Added, "c")));
    }

    [Test]
    public async Task Watch_NamespaceAndKind_SeeOnlyTheirOwn()
    {
        var start = await Store.ListAsync(ConfigMaps, null);
        await Store.CreateAsync(NewConfigMap("other", "x"));
        await Store.CreateAsync(new Secret { Metadata = new ObjectMeta { Namespace = "default", Name = "x" } });
        await Store.CreateAsync(NewConfigMap("default-2", "x"));
        await Store.CreateAsync(NewConfigMap("default", "mine"));

        var events = await TakeAsync(Store.WatchAsync(ConfigMaps, "default", new WatchOptions { ResourceVersion = start.ResourceVersion }), 1);

        Assert.That(events.Single().Object!.Key.ToString(), Is.EqualTo("default/mine"));
    }

    [Test]
    public async Task Watch_LabelSelector_LeavingIsDeleted_EnteringIsAdded()
    {
        var start = await Store.ListAsync(ConfigMaps, null);
        var web = new Dictionary<string, string> { ["app"] = "web" };
        var db = new Dictionary<string, string> { ["app"] = "db" };
        var a = await Store.CreateAsync(NewConfigMap("default", "a", web));
        var moved = await Store.UpdateAsync(a with { Metadata = a.Metadata with { Labels = db } });
        await Store.CreateAsync(NewConfigMap("default", "b", db));
        await Store.UpdateAsync(moved with { Metadata = moved.Metadata with { Labels = web } });

        var events = await TakeAsync(
            Store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = start.ResourceVersion, LabelSelector = LabelSelector.Parse("app=web") }), 3);

        Assert.That(events.Select(e => (e.Type, e.Object!.Name)), Is.EqualTo(new[]
        {
            (WatchEventType.Added, "a"),
            (WatchEventType.Deleted, "a"),
            (WatchEventType.Added, "a"),
        }));
    }

    [Test]
    public async Task Watch_Bookmarks_WhenAllowed_CarryTheCurrentVersion()
    {
        var created = await Store.CreateAsync(NewConfigMap("default", "a"));

        var events = await TakeAsync(Store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = created.Metadata.ResourceVersion, AllowBookmarks = true }), 1);

        Assert.That(events[0].Type, Is.EqualTo(WatchEventType.Bookmark));
        Assert.That(ResourceVersions.Parse(events[0].ResourceVersion), Is.GreaterThanOrEqualTo(Rv(created)));
    }

    [Test]
    public async Task Watch_Cancelled_Ends()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Timeout);
        var start = await Store.ListAsync(ConfigMaps, null);
        await using var watch = Store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = start.ResourceVersion }, cancel.Token).GetAsyncEnumerator(cancel.Token);
        var pending = watch.MoveNextAsync().AsTask();

        await cancel.CancelAsync();

        Assert.That(async () => await pending, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task Watch_FromCompactedVersion_ThrowsGone_AndARelistWatchWorks()
    {
        if (Store is not ICompactableStore compactable)
        {
            Assert.Ignore($"{Store} cannot compact on demand");
            return;
        }

        var a = await Store.CreateAsync(NewConfigMap("default", "a"));
        var b = await Store.UpdateAsync(a);
        await Store.UpdateAsync(b);
        await compactable.CompactAsync(b.Metadata.ResourceVersion!);

        Assert.ThrowsAsync<GoneException>(async () => await TakeAsync(Store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = a.Metadata.ResourceVersion }), 1));
        Assert.ThrowsAsync<GoneException>(async () => await Store.ListAsync(ConfigMaps, null, new ListOptions { ResourceVersion = a.Metadata.ResourceVersion }));

        var relist = await Store.ListAsync(ConfigMaps, null);
        await Store.CreateAsync(NewConfigMap("default", "after"));
        var events = await TakeAsync(Store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = relist.ResourceVersion }), 1);
        Assert.That(events[0].Object!.Name, Is.EqualTo("after"));
    }

    [Test]
    public async Task Watch_ConcurrentWriters_SeeEveryWriteOnceInRevisionOrder()
    {
        const int Writers = 4;
        const int Each = 25;
        var start = await Store.ListAsync(ConfigMaps, null);
        var watching = TakeAsync(Store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = start.ResourceVersion }), Writers * Each);

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < Each; i++)
            {
                await Store.CreateAsync(NewConfigMap($"ns-{w}", $"cm-{i}"));
            }
        })));
        var events = await watching;

        Assert.That(events.Select(e => ResourceVersions.Parse(e.ResourceVersion)), Is.Ordered.Ascending.And.Unique);
        Assert.That(events.Select(e => e.Object!.Key.ToString()).Distinct().Count(), Is.EqualTo(Writers * Each));
    }

    [Test]
    public async Task ConcurrentReadModifyWrite_OneWinnerPerVersion_NoLostUpdate()
    {
        await Store.CreateAsync(NewConfigMap("default", "counter", value: "0"));
        const int Workers = 4;
        const int Each = 10;

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < Each; i++)
            {
                while (true)
                {
                    var cm = (ConfigMap)(await Store.GetAsync(ConfigMaps, new NamespacedName("default", "counter")))!;
                    var next = int.Parse(cm.Data["value"], System.Globalization.CultureInfo.InvariantCulture) + 1;
                    try
                    {
                        await Store.UpdateAsync(cm with { Data = new Dictionary<string, string> { ["value"] = next.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
                        break;
                    }
                    catch (ConflictException)
                    {
                        Timeout.ThrowIfCancellationRequested();
                    }
                }
            }
        })));

        var final = (ConfigMap)(await Store.GetAsync(ConfigMaps, new NamespacedName("default", "counter")))!;
        Assert.That(final.Data["value"], Is.EqualTo((Workers * Each).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>The first <paramref name="count"/> events of a watch, which is then closed.</summary>
    protected async Task<List<WatchEvent>> TakeAsync(IAsyncEnumerable<WatchEvent> watch, int count)
    {
        var events = new List<WatchEvent>();
        if (count == 0)
        {
            return events;
        }

        await foreach (var e in watch.WithCancellation(Timeout))
        {
            events.Add(e);
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }

    protected async Task<WatchEvent> NextAsync(IAsyncEnumerator<WatchEvent> watch)
    {
        Assert.That(await watch.MoveNextAsync(), Is.True, "the watch ended early");
        return watch.Current;
    }
}
