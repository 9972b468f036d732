using System.Text.Json;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Store;
using Containers.Orchestration.Store.Etcd;

namespace Containers.Orchestration.Tests.Store.Etcd;

/// <summary>What the etcd store does beyond the shared contract: its key layout, compaction, restarts, bad endpoints.</summary>
public sealed class EtcdStateStoreTests : EtcdTest
{
    private static readonly ResourceType ConfigMaps = ResourceRegistry.Default.Get<ConfigMap>();

    private static ConfigMap NewConfigMap(string name, IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        Metadata = new ObjectMeta { Namespace = "default", Name = name, Labels = labels ?? new Dictionary<string, string>() },
        Data = new Dictionary<string, string> { ["value"] = name },
    };

    [Test]
    public async Task Create_StoresJsonUnderKubernetesKeyLayout_WithModRevisionAsResourceVersion()
    {
        await using var store = await ConnectAsync();
        var created = await store.CreateAsync(NewConfigMap("app"));

        using var raw = RawClient();
        var response = await raw.GetAsync($"{Prefix}/configmaps/default/app", cancellationToken: Timeout);

        Assert.That(response.Kvs, Has.Count.EqualTo(1));
        using var json = JsonDocument.Parse(response.Kvs[0].Value.Memory);
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("kind").GetString(), Is.EqualTo("ConfigMap"));
            Assert.That(json.RootElement.GetProperty("metadata").GetProperty("uid").GetString(), Is.EqualTo(created.Metadata.Uid));
            Assert.That(json.RootElement.GetProperty("metadata").TryGetProperty("resourceVersion", out _), Is.False, "etcd's revision stands for it");
            Assert.That(created.Metadata.ResourceVersion, Is.EqualTo(ResourceVersions.Format(response.Kvs[0].ModRevision)));
        });
    }

    [Test]
    public async Task Update_FromAnotherApiServer_IsAConflictForTheStaleOne()
    {
        await using var first = await ConnectAsync();
        await using var second = await ConnectAsync();
        var created = (ConfigMap)await first.CreateAsync(NewConfigMap("app"));
        await second.UpdateAsync(created with { Data = new Dictionary<string, string> { ["value"] = "second" } });

        Assert.ThrowsAsync<ConflictException>(async () => await first.UpdateAsync(created with { Data = new Dictionary<string, string> { ["value"] = "first" } }));
        var read = (ConfigMap?)await first.GetAsync(ConfigMaps, created.Key, Timeout);
        Assert.That(read!.Data["value"], Is.EqualTo("second"));
    }

    [Test]
    public async Task List_ContinueTokenFromBeforeCompaction_IsGone_AndAFreshListWorks()
    {
        await using var store = await ConnectAsync();
        for (var i = 0; i < 3; i++)
        {
            await store.CreateAsync(NewConfigMap($"cm-{i}"));
        }

        var first = await store.ListAsync(ConfigMaps, "default", new ListOptions { Limit = 1 }, Timeout);
        var later = await store.CreateAsync(NewConfigMap("cm-9"));
        await store.CompactAsync(later.Metadata.ResourceVersion!, Timeout);

        var gone = Assert.ThrowsAsync<GoneException>(async () => await store.ListAsync(ConfigMaps, "default", new ListOptions { Limit = 1, Continue = first.Continue }, Timeout));
        Assert.That(gone!.Message, Does.Contain("compacted"));
        var fresh = await store.ListAsync(ConfigMaps, "default", cancellationToken: Timeout);
        Assert.That(fresh.Items.Select(o => o.Name), Is.EqualTo(new[] { "cm-0", "cm-1", "cm-2", "cm-9" }));
    }

    [Test]
    public async Task Compact_ToARevisionAlreadyCompacted_IsANoOp_AndToTheFuture_IsInvalid()
    {
        await using var store = await ConnectAsync();
        var a = await store.CreateAsync(NewConfigMap("a"));
        var b = await store.UpdateAsync(a);
        await store.CompactAsync(b.Metadata.ResourceVersion!, Timeout);

        Assert.DoesNotThrowAsync(async () => await store.CompactAsync(a.Metadata.ResourceVersion!, Timeout));
        Assert.ThrowsAsync<InvalidArgumentException>(async () => await store.CompactAsync(ResourceVersions.Format(ResourceVersions.Parse(b.Metadata.ResourceVersion!) + 1000), Timeout));
    }

    [Test]
    public async Task List_SelectorWithLimit_PagesOverTheKeysItSkips()
    {
        await using var store = await ConnectAsync();
        var web = new Dictionary<string, string> { ["app"] = "web" };
        foreach (var (name, labels) in new[] { ("a", web), ("b", null), ("c", null), ("d", web), ("e", null), ("f", web) })
        {
            await store.CreateAsync(NewConfigMap(name, labels));
        }

        var names = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await store.ListAsync(ConfigMaps, "default", new ListOptions { Limit = 2, Continue = next, LabelSelector = LabelSelector.Parse("app=web") }, Timeout);
            Assert.That(page.Items, Has.Count.LessThanOrEqualTo(2));
            names.AddRange(page.Items.Select(o => o.Name));
            next = page.Continue;
            pages++;
        }
        while (next is not null && pages < 10);

        Assert.That(names, Is.EqualTo(new[] { "a", "d", "f" }));
    }

    [Test]
    public async Task Watch_BookmarkFromAnEarlierVersion_ComesAfterTheWholeHistory_ThenLiveChanges()
    {
        await using var store = await ConnectAsync();
        var start = await store.ListAsync(ConfigMaps, null, cancellationToken: Timeout);
        await store.CreateAsync(NewConfigMap("a"), Timeout);
        await store.CreateAsync(NewConfigMap("b"), Timeout);

        // The newest revision is another kind's: the watch of config maps must still know it is caught up.
        var other = await store.CreateAsync(new Secret { Metadata = new ObjectMeta { Namespace = "default", Name = "s" } }, Timeout);
        await using var watch = store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = start.ResourceVersion, AllowBookmarks = true }, Timeout).GetAsyncEnumerator(Timeout);

        var seen = new List<WatchEvent>();
        for (var i = 0; i < 3; i++)
        {
            Assert.That(await watch.MoveNextAsync(), Is.True);
            seen.Add(watch.Current);
        }

        await store.CreateAsync(NewConfigMap("c"), Timeout);
        Assert.That(await watch.MoveNextAsync(), Is.True);
        seen.Add(watch.Current);

        Assert.That(seen.Select(e => (e.Type, e.Object?.Name)), Is.EqualTo(new (WatchEventType, string?)[]
        {
            (WatchEventType.Added, "a"),
            (WatchEventType.Added, "b"),
            (WatchEventType.Bookmark, null),
            (WatchEventType.Added, "c"),
        }));
        Assert.That(ResourceVersions.Parse(seen[2].ResourceVersion), Is.GreaterThanOrEqualTo(ResourceVersions.Parse(other.Metadata.ResourceVersion!)));
    }

    [Test]
    public async Task Watch_AcrossAnEtcdRestart_ResumesAfterTheLastEventItSent()
    {
        await using var store = await ConnectAsync();
        var start = await store.ListAsync(ConfigMaps, null, cancellationToken: Timeout);
        await using var watch = store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = start.ResourceVersion }, Timeout).GetAsyncEnumerator(Timeout);
        await store.CreateAsync(NewConfigMap("before"));
        Assert.That(await watch.MoveNextAsync(), Is.True);
        Assert.That(watch.Current.Object!.Name, Is.EqualTo("before"));

        var pending = watch.MoveNextAsync().AsTask();
        await Etcd.StopAsync();
        await Etcd.StartAgainAsync();
        await store.CreateAsync(NewConfigMap("after"), Timeout);

        Assert.That(await pending, Is.True);
        Assert.That((watch.Current.Type, watch.Current.Object!.Name), Is.EqualTo((WatchEventType.Added, "after")), "the event before the restart is not sent again");
    }

    [Test]
    public async Task Watch_EtcdGoneLongerThanTheRetryTimeout_FailsUnavailableNamingTheUrl()
    {
        await using var store = await ConnectAsync(o => o.WatchRetryTimeout = TimeSpan.FromSeconds(1));
        var start = await store.ListAsync(ConfigMaps, null, cancellationToken: Timeout);
        await using var watch = store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = start.ResourceVersion }, Timeout).GetAsyncEnumerator(Timeout);
        var pending = watch.MoveNextAsync().AsTask();

        await Etcd.StopAsync();
        try
        {
            var error = Assert.ThrowsAsync<UnavailableException>(async () => await pending);
            Assert.That(error!.Message, Does.Contain(Etcd.ClientUrl));
        }
        finally
        {
            await Etcd.StartAgainAsync();
        }
    }

    [Test]
    public async Task Dispose_EndsOpenWatches()
    {
        var store = await ConnectAsync();
        await using var watch = store.WatchAsync(ConfigMaps, null, cancellationToken: Timeout).GetAsyncEnumerator(Timeout);
        var pending = watch.MoveNextAsync().AsTask();

        await store.DisposeAsync();

        Assert.That(await pending, Is.False);
    }

    [Test]
    public async Task Watch_KeyDeletedBehindTheStoresBack_IsDeletedWithTheLastState()
    {
        await using var store = await ConnectAsync();
        var created = await store.CreateAsync(NewConfigMap("app"));
        var events = store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = created.Metadata.ResourceVersion }, Timeout).GetAsyncEnumerator(Timeout);
        await using (events)
        {
            using var raw = RawClient();
            await raw.DeleteAsync($"{Prefix}/configmaps/default/app", cancellationToken: Timeout);

            Assert.That(await events.MoveNextAsync(), Is.True);
            Assert.That(events.Current.Type, Is.EqualTo(WatchEventType.Deleted));
            Assert.That(events.Current.Object!.Metadata.Uid, Is.EqualTo(created.Metadata.Uid));
        }
    }

    [Test]
    public void Connect_NothingListening_FailsUnavailableNamingTheUrl()
    {
        var url = $"http://127.0.0.1:{EtcdServer.FreePort()}";

        var error = Assert.ThrowsAsync<UnavailableException>(async () =>
            await EtcdStateStore.ConnectAsync(new EtcdStateStoreOptions { Endpoints = url, ConnectTimeout = TimeSpan.FromSeconds(2) }, cancellationToken: Timeout));

        Assert.That(error!.Message, Does.Contain(url));
    }

    [TestCase("127.0.0.1:2379")]
    [TestCase("ftp://127.0.0.1:2379")]
    [TestCase("http://127.0.0.1:2379/v3")]
    public void Connect_NotAClientUrl_IsInvalidArgument(string endpoints) =>
        Assert.ThrowsAsync<InvalidArgumentException>(async () => await EtcdStateStore.ConnectAsync(new EtcdStateStoreOptions { Endpoints = endpoints }));

    [Test]
    public void Connect_PrefixWithTrailingSlash_IsInvalidArgument() =>
        Assert.ThrowsAsync<InvalidArgumentException>(async () => await EtcdStateStore.ConnectAsync(new EtcdStateStoreOptions { Endpoints = Etcd.ClientUrl, Prefix = "/registry/" }));
}
