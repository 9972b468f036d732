using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Informers;
using Containers.Orchestration.Store;
using Containers.Orchestration.Store.Embedded;
using Containers.Orchestration.Tests.Controllers.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Containers.Orchestration.Tests.Controllers;

public sealed class InformerTests
{
    [Test]
    public async Task Informer_ListsThenWatches_AndTellsHandlersInOrder()
    {
        await using var store = EmbeddedStateStore.CreateInMemory();
        var client = new StoreApiClient(store);
        await client.CreateAsync(TestObjects.Pod("a"));
        await using var factory = new InformerFactory(client, new FakeTimeProvider());
        var informer = factory.For<Pod>();
        var seen = new ConcurrentQueue<string>();
        informer.AddEventHandler(new InformerHandler<Pod>
        {
            OnAdd = p => seen.Enqueue("add " + p.Name),
            OnUpdate = (o, n) => seen.Enqueue($"update {n.Name} {n.Metadata.Labels.GetValueOrDefault("v")}"),
            OnDelete = p => seen.Enqueue("delete " + p.Name),
        });

        factory.Start();
        await factory.WaitForCacheSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(informer.HasSynced, Is.True);
        Assert.That(informer.Cache.Get(new NamespacedName("default", "a")), Is.Not.Null);

        var b = await client.CreateAsync(TestObjects.Pod("b"));
        await client.UpdateAsync(b with { Metadata = b.Metadata with { Labels = TestObjects.Labels("v=2") } });
        await client.DeleteAsync<Pod>(new NamespacedName("default", "a"));
        await Eventually.Until(() => seen.Count == 4, "four events");

        Assert.That(seen, Is.EqualTo(new[] { "add a", "add b", "update b 2", "delete a" }));
        Assert.That(informer.Cache.List().Select(p => p.Name), Is.EqualTo(new[] { "b" }));
        Assert.That(informer.LastResourceVersion, Is.EqualTo(store.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task Informer_KeepsCustomIndexesUpToDate()
    {
        await using var store = EmbeddedStateStore.CreateInMemory();
        var client = new StoreApiClient(store);
        await using var factory = new InformerFactory(client, new FakeTimeProvider());
        var informer = factory.For<Pod>();
        informer.Cache.AddIndex("node", p => string.IsNullOrEmpty(p.Spec.NodeName) ? [] : [p.Spec.NodeName]);
        factory.Start();
        await factory.WaitForCacheSyncAsync();

        await client.CreateAsync(TestObjects.Pod("a", node: "n1"));
        var b = await client.CreateAsync(TestObjects.Pod("b", node: "n1"));
        await client.CreateAsync(TestObjects.Pod("c", ns: "other"));
        await Eventually.Until(() => informer.Cache.Count == 3, "three pods cached");
        Assert.That(informer.Cache.ByIndex("node", "n1").Select(p => p.Name).Order(), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(informer.Cache.List("other").Select(p => p.Name), Is.EqualTo(new[] { "c" }));

        await client.UpdateAsync(b with { Spec = b.Spec with { NodeName = "n2" } });
        await Eventually.Until(() => informer.Cache.ByIndex("node", "n2").Count == 1, "b moved to n2");
        Assert.That(informer.Cache.ByIndex("node", "n1").Select(p => p.Name), Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public async Task Informer_WhenTheWatchIsGone_RelistsAndReportsWhatChangedMeanwhile()
    {
        await using var store = EmbeddedStateStore.CreateInMemory();
        var inner = new StoreApiClient(store);
        using var client = new InterruptibleClient(inner);
        await inner.CreateAsync(TestObjects.Pod("a"));
        var b = await inner.CreateAsync(TestObjects.Pod("b"));
        await using var factory = new InformerFactory(client, new FakeTimeProvider());
        var informer = factory.For<Pod>();
        var seen = new ConcurrentQueue<string>();
        informer.AddEventHandler(new InformerHandler<Pod>
        {
            OnAdd = p => seen.Enqueue("add " + p.Name),
            OnUpdate = (_, n) => seen.Enqueue("update " + n.Name),
            OnDelete = p => seen.Enqueue("delete " + p.Name),
        });
        factory.Start();
        await factory.WaitForCacheSyncAsync();
        await Eventually.Until(() => client.Watches == 1, "the first watch");
        seen.Clear();

        client.HoldLists();
        client.BreakWatches();
        await Eventually.Until(() => client.ListsWaiting == 1, "the informer to list again");
        await inner.DeleteAsync<Pod>(new NamespacedName("default", "a"));
        await inner.UpdateAsync(b with { Metadata = b.Metadata with { Labels = TestObjects.Labels("v=2") } });
        await inner.CreateAsync(TestObjects.Pod("c"));
        client.ReleaseLists();

        await Eventually.Until(() => seen.Count == 3, "the differences of the relist");
        Assert.That(seen.Order(), Is.EqualTo(new[] { "add c", "delete a", "update b" }));
        Assert.That(informer.Cache.List().Select(p => p.Name).Order(), Is.EqualTo(new[] { "b", "c" }));
        await Eventually.Until(() => client.Watches == 2, "a new watch from the relist");

        await inner.CreateAsync(TestObjects.Pod("d"));
        await Eventually.Until(() => informer.Cache.Count == 3, "the new watch delivers");
    }

    /// <summary>A client whose watches can be made to fail with Gone, and whose lists can be held.</summary>
    private sealed class InterruptibleClient(IApiClient inner) : DelegatingApiClient(inner), IDisposable
    {
        private volatile TaskCompletionSource _listGate = Open();
        private volatile CancellationTokenSource _break = new();
        private int _watches;
        private int _listsWaiting;

        public int Watches => Volatile.Read(ref _watches);

        public int ListsWaiting => Volatile.Read(ref _listsWaiting);

        public void Dispose() => _break.Dispose();

        public void HoldLists() => _listGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void ReleaseLists() => _listGate.TrySetResult();

        public void BreakWatches()
        {
            var old = _break;
            _break = new CancellationTokenSource();
            old.Cancel();
        }

        public override async ValueTask<ListResult> ListAsync(ResourceType type, string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _listsWaiting);
            await _listGate.Task.WaitAsync(cancellationToken);
            Interlocked.Decrement(ref _listsWaiting);
            return await Inner.ListAsync(type, @namespace, options, cancellationToken);
        }

        public override async IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? @namespace, WatchOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _watches);
            var broken = _break.Token;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, broken);
            var events = Inner.WatchAsync(type, @namespace, options, linked.Token).GetAsyncEnumerator(linked.Token);
            try
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await events.MoveNextAsync();
                    }
                    catch (OperationCanceledException) when (broken.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        throw new GoneException("the test broke the watch");
                    }

                    if (!more)
                    {
                        yield break;
                    }

                    yield return events.Current;
                }
            }
            finally
            {
                await events.DisposeAsync();
            }
        }

        private static TaskCompletionSource Open()
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            gate.SetResult();
            return gate;
        }
    }
}
