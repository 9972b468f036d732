using System.Collections.Concurrent;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Leader;
using Containers.Orchestration.Store.Embedded;
using Containers.Orchestration.Tests.Controllers.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Containers.Orchestration.Tests.Controllers;

public sealed class ControllerManagerTests
{
    [Test]
    public async Task OnlyTheLeadingManagerReconciles_AndTheOtherTakesOverWhenLeadingIsLost()
    {
        await using var store = EmbeddedStateStore.CreateInMemory();
        var client = new StoreApiClient(store);
        var time = new FakeTimeProvider();
        var elector = new InProcessLeaderElector();
        var seenByA = new ConcurrentBag<string>();
        var seenByB = new ConcurrentBag<string>();
        var a = Manager(client, elector, time, seenByA);
        var b = Manager(client, elector, time, seenByB);
        using var stop = new CancellationTokenSource();
        var runA = a.RunAsync(stop.Token);
        await a.WaitUntilLeadingAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var runB = b.RunAsync(stop.Token);

        await client.CreateAsync(TestObjects.Pod("one"));
        await Eventually.Until(() => seenByA.Contains("default/one"), "the leader to reconcile");
        Assert.That(b.IsLeading, Is.False);
        Assert.That(seenByB, Is.Empty);

        elector.Revoke("controller-manager");
        await b.WaitUntilLeadingAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.Until(() => !a.IsLeading, "the old leader to stop");
        await client.CreateAsync(TestObjects.Pod("two"));
        await Eventually.Until(() => seenByB.Contains("default/two"), "the new leader to reconcile");
        Assert.That(seenByA, Does.Not.Contain("default/two"));
        Assert.That(seenByB, Does.Contain("default/one"), "a new term starts from a fresh list");

        await stop.CancelAsync();
        await Task.WhenAll(runA, runB).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task FailingReconcile_IsRetriedWithBackoffInVirtualTime()
    {
        await using var store = EmbeddedStateStore.CreateInMemory();
        var client = new StoreApiClient(store);
        var time = new FakeTimeProvider();
        var attempts = 0;
        var manager = new ControllerManager(client, new InProcessLeaderElector(), timeProvider: time);
        manager.Add("flaky", ctx =>
        {
            ctx.Informers.For<Pod>().AddEventHandler(ctx.EnqueueSelf<Pod>());
            return new DelegateReconciler(_ => Interlocked.Increment(ref attempts) < 3 ? throw new InvalidOperationException("not yet") : ReconcileResult.Done);
        });
        using var stop = new CancellationTokenSource();
        var run = manager.RunAsync(stop.Token);
        await manager.WaitUntilLeadingAsync();
        await client.CreateAsync(TestObjects.Pod("p"));

        await Eventually.Until(() => Volatile.Read(ref attempts) == 1 && manager.IsIdle, "the first attempt");
        time.Advance(TimeSpan.FromMilliseconds(4));
        await Task.Delay(20);
        Assert.That(Volatile.Read(ref attempts), Is.EqualTo(1), "the retry waits 5 ms");
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.Until(() => Volatile.Read(ref attempts) == 2 && manager.IsIdle, "the second attempt after 5 ms");
        time.Advance(TimeSpan.FromMilliseconds(10));
        await Eventually.Until(() => Volatile.Read(ref attempts) == 3 && manager.IsIdle, "the third attempt after 10 more ms");
        time.Advance(TimeSpan.FromSeconds(10));
        await Task.Delay(20);
        Assert.That(Volatile.Read(ref attempts), Is.EqualTo(3), "a success is not retried");

        await stop.CancelAsync();
        await run;
    }

    private static ControllerManager Manager(IApiClient client, ILeaderElector elector, TimeProvider time, ConcurrentBag<string> seen)
    {
        var manager = new ControllerManager(client, elector, timeProvider: time);
        manager.Add("recorder", ctx =>
        {
            ctx.Informers.For<Pod>().AddEventHandler(ctx.EnqueueSelf<Pod>());
            return new DelegateReconciler(key =>
            {
                seen.Add(key.ToString());
                return ReconcileResult.Done;
            });
        }, workers: 2);
        return manager;
    }

    private sealed class DelegateReconciler(Func<NamespacedName, ReconcileResult> reconcile) : IReconciler
    {
        public Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken) => Task.FromResult(reconcile(key));
    }
}
