using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Store;
using Containers.Orchestration.Store.Embedded;
using Containers.Orchestration.Store.Embedded.Persistence;

namespace Containers.Orchestration.Tests.Store.Embedded;

public sealed class EmbeddedStateStoreTests
{
    private static readonly ResourceType ConfigMaps = ResourceRegistry.Default.Get<ConfigMap>();
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("embedded-store-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_directory, recursive: true);

    private static ConfigMap NewConfigMap(string name, string value = "1") => new()
    {
        Metadata = new ObjectMeta { Namespace = "default", Name = name },
        Data = new Dictionary<string, string> { ["value"] = value },
    };

    private Task<EmbeddedStateStore> OpenAsync(int snapshotAfter = 10_000) =>
        EmbeddedStateStore.OpenAsync(new EmbeddedStateStoreOptions { DataDirectory = _directory, SnapshotAfterRecords = snapshotAfter }).AsTask();

    private static async Task<Dictionary<string, string>> ValuesAsync(EmbeddedStateStore store) =>
        (await store.ListAsync(ConfigMaps, null)).Items.Cast<ConfigMap>().ToDictionary(c => c.Name, c => c.Data["value"]);

    [Test]
    public async Task Open_WhileAnotherStoreHoldsTheDirectory_IsRefused_UntilItCloses()
    {
        var first = await OpenAsync();
        await first.CreateAsync(NewConfigMap("a"));

        var error = Assert.ThrowsAsync<Containers.Errors.FailedPreconditionException>(async () => await OpenAsync());
        Assert.That(error!.Message, Does.StartWith($"the store in {_directory} is in use by another process"));
        Assert.That(await ValuesAsync(first), Is.EqualTo(new Dictionary<string, string> { ["a"] = "1" }), "the refused open touched nothing");

        await first.DisposeAsync();
        await using var second = await OpenAsync();
        Assert.That(await ValuesAsync(second), Is.EqualTo(new Dictionary<string, string> { ["a"] = "1" }));
    }

    [TestCase(10_000, TestName = "Restart_ReplaysTheLog")]
    [TestCase(3, TestName = "Restart_ReplaysSnapshotAndLog")]
    public async Task Restart_KeepsEveryAcknowledgedWrite(int snapshotAfter)
    {
        string uid;
        await using (var store = await OpenAsync(snapshotAfter))
        {
            var a = (ConfigMap)await store.CreateAsync(NewConfigMap("a"));
            uid = a.Metadata.Uid!;
            await store.CreateAsync(NewConfigMap("b"));
            await store.UpdateAsync(a with { Data = new Dictionary<string, string> { ["value"] = "2" } });
            await store.CreateAsync(NewConfigMap("c"));
            await store.DeleteAsync(ConfigMaps, new NamespacedName("default", "b"));
            await store.CreateAsync(NewConfigMap("d"));
            await store.CreateAsync(NewConfigMap("e"));
        }

        await using var reopened = await OpenAsync(snapshotAfter);

        Assert.That(await ValuesAsync(reopened), Is.EqualTo(new Dictionary<string, string> { ["a"] = "2", ["c"] = "1", ["d"] = "1", ["e"] = "1" }));
        Assert.That((await reopened.GetAsync(ConfigMaps, new NamespacedName("default", "a")))!.Metadata.Uid, Is.EqualTo(uid));
        if (snapshotAfter == 3)
        {
            Assert.That(File.Exists(Path.Combine(_directory, WriteAheadLog.SnapshotFileName)), Is.True);
        }
    }

    [Test]
    public async Task Restart_ResumesAboveEveryVersionItCouldHaveShown_SoOldWatchesAreGone()
    {
        string lastVersion;
        await using (var store = await OpenAsync())
        {
            await store.CreateAsync(NewConfigMap("a"));
            lastVersion = (await store.CreateAsync(NewConfigMap("b"))).Metadata.ResourceVersion!;
        }

        await using var reopened = await OpenAsync();
        var next = await reopened.CreateAsync(NewConfigMap("c"));

        Assert.That(ResourceVersions.Parse(next.Metadata.ResourceVersion!), Is.GreaterThan(ResourceVersions.Parse(lastVersion) + new EmbeddedStateStoreOptions().MaxPendingWrites));
        Assert.ThrowsAsync<GoneException>(async () =>
        {
            await foreach (var _ in reopened.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = lastVersion }))
            {
            }
        });
    }

    [Test]
    public async Task Restart_AfterTornTail_CutsTheTornRecordAndKeepsTheRest()
    {
        await using (var store = await OpenAsync())
        {
            await store.CreateAsync(NewConfigMap("a"));
            await store.CreateAsync(NewConfigMap("b"));
        }

        var log = Path.Combine(_directory, WriteAheadLog.LogFileName);
        var whole = new FileInfo(log).Length;
        // A crash in the middle of appending c: its frame header and half its payload reached the disk.
        await using (var store = await OpenAsync())
        {
            await store.CreateAsync(NewConfigMap("c"));
        }

        var withC = new FileInfo(log).Length;
        await using (var file = new FileStream(log, FileMode.Open))
        {
            file.SetLength(whole + ((withC - whole) / 2));
        }

        await using (var reopened = await OpenAsync())
        {
            Assert.That((await ValuesAsync(reopened)).Keys, Is.EquivalentTo(new[] { "a", "b" }));
            await reopened.CreateAsync(NewConfigMap("d"));
        }

        Assert.That(new FileInfo(log).Length, Is.GreaterThan(whole), "the new record follows the cut");
        await using var again = await OpenAsync();
        Assert.That((await ValuesAsync(again)).Keys, Is.EquivalentTo(new[] { "a", "b", "d" }));
    }

    [Test]
    public async Task Restart_AfterDamagedRecord_CutsFromThere()
    {
        await using (var store = await OpenAsync())
        {
            await store.CreateAsync(NewConfigMap("a"));
            await store.CreateAsync(NewConfigMap("b", "the value"));
        }

        var log = Path.Combine(_directory, WriteAheadLog.LogFileName);
        var bytes = await File.ReadAllBytesAsync(log);
        bytes[^3] ^= 0xFF;
        await File.WriteAllBytesAsync(log, bytes);

        await using var reopened = await OpenAsync();

        Assert.That((await ValuesAsync(reopened)).Keys, Is.EquivalentTo(new[] { "a" }));
    }

    [Test]
    public async Task SlowWatcher_IsDroppedWithGone_AndWritersNeverWait()
    {
        await using var store = EmbeddedStateStore.CreateInMemory(options: new EmbeddedStateStoreOptions { WatchBufferSize = 4 });
        var start = await store.ListAsync(ConfigMaps, null);
        await using var slow = store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = start.ResourceVersion }).GetAsyncEnumerator();
        var first = slow.MoveNextAsync();

        for (var i = 0; i < 20; i++)
        {
            await store.CreateAsync(NewConfigMap($"cm-{i}"));
        }

        Assert.That(await first, Is.True);

        Assert.ThrowsAsync<GoneException>(async () =>
        {
            while (await slow.MoveNextAsync())
            {
            }
        });
        Assert.That((await store.ListAsync(ConfigMaps, null)).Items, Has.Count.EqualTo(20));
    }

    [Test]
    public async Task History_BeyondItsLimit_IsCompacted()
    {
        await using var store = EmbeddedStateStore.CreateInMemory(options: new EmbeddedStateStoreOptions { HistoryLimit = 3 });
        var first = await store.CreateAsync(NewConfigMap("a"));
        for (var i = 0; i < 5; i++)
        {
            await store.CreateAsync(NewConfigMap($"cm-{i}"));
        }

        Assert.ThrowsAsync<GoneException>(async () => await store.ListAsync(ConfigMaps, null, new ListOptions { ResourceVersion = first.Metadata.ResourceVersion }));
    }

    [Test]
    public async Task Dispose_EndsWatchesNormally()
    {
        var store = EmbeddedStateStore.CreateInMemory();
        var start = await store.ListAsync(ConfigMaps, null);
        var watch = store.WatchAsync(ConfigMaps, null, new WatchOptions { ResourceVersion = start.ResourceVersion }).GetAsyncEnumerator();
        var next = watch.MoveNextAsync().AsTask();

        await store.DisposeAsync();

        Assert.That(await next, Is.False);
        await watch.DisposeAsync();
    }
}
