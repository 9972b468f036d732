using System.Collections.Concurrent;
using Containers.Orchestration.Controllers.Queue;
using Microsoft.Extensions.Time.Testing;

namespace Containers.Orchestration.Tests.Controllers;

public sealed class WorkQueueTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Test]
    public async Task Add_SameItemBeforeItIsTaken_IsHandedOutOnce()
    {
        using var queue = new WorkQueue<string>(new FakeTimeProvider());
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");

        Assert.That(queue.Count, Is.EqualTo(2));
        var first = await queue.GetAsync();
        var second = await queue.GetAsync();
        Assert.That(new[] { first.Item, second.Item }, Is.EqualTo(new[] { "a", "b" }), "first-added order, once each");
        Assert.That(queue.Count, Is.Zero);
    }

    [Test]
    public async Task Add_WhileProcessing_WaitsUntilDoneAndIsNeverHandedToASecondWorker()
    {
        using var queue = new WorkQueue<string>(new FakeTimeProvider());
        queue.Add("a");
        var (item, _) = await queue.GetAsync();

        queue.Add("a");
        Assert.That(queue.Count, Is.Zero, "an item in processing is not queued again");
        var second = queue.GetAsync().AsTask();
        await Task.Delay(50);
        Assert.That(second.IsCompleted, Is.False, "a second worker must not get the item being processed");

        queue.Done(item);
        var again = await second.WaitAsync(Wait);
        Assert.That(again.Item, Is.EqualTo("a"));
        queue.Done("a");
        Assert.That(queue.IsIdle, Is.True);
    }

    [Test]
    public async Task Done_WithoutReAdd_DoesNotRequeue()
    {
        using var queue = new WorkQueue<string>(new FakeTimeProvider());
        queue.Add("a");
        var (item, _) = await queue.GetAsync();
        queue.Done(item);
        Assert.That(queue.Count, Is.Zero);
        Assert.That(queue.IsIdle, Is.True);
    }

    [Test]
    public async Task ManyWorkers_NeverProcessOneKeyConcurrently()
    {
        using var queue = new WorkQueue<int>(new FakeTimeProvider());
        var inFlight = new ConcurrentDictionary<int, int>();
        var overlaps = 0;
        var processed = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var (key, shuttingDown) = await queue.GetAsync();
                if (shuttingDown)
                {
                    return;
                }

                if (inFlight.AddOrUpdate(key, 1, (_, n) => n + 1) > 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                await Task.Yield();
                inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
                Interlocked.Increment(ref processed);
                queue.Done(key);
            }
        })).ToArray();

        for (var round = 0; round < 2000; round++)
        {
            queue.Add(round % 5);
            if (round % 50 == 0)
            {
                await Task.Yield();
            }
        }

        while (!queue.IsIdle)
        {
            await Task.Delay(5);
        }

        queue.ShutDown();
        await Task.WhenAll(workers).WaitAsync(Wait);
        Assert.That(overlaps, Is.Zero, "no key is ever processed by two workers at once");
        Assert.That(processed, Is.InRange(5, 2000), "adds of keys already queued are deduplicated");
    }

    [Test]
    public async Task AddAfter_HandsTheItemOutOnlyOnceVirtualTimePasses()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(time);
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        Assert.That(queue.DelayedCount, Is.EqualTo(1));

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.That(queue.Count, Is.Zero);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(queue.Count, Is.EqualTo(1));
        Assert.That((await queue.GetAsync()).Item, Is.EqualTo("a"));
    }

    [Test]
    public void AddAfter_TheEarlierTimeOfTheSameItemWins()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(time);
        queue.AddAfter("a", TimeSpan.FromSeconds(30));
        queue.AddAfter("a", TimeSpan.FromSeconds(5));
        queue.AddAfter("a", TimeSpan.FromSeconds(20));

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.That(queue.Count, Is.EqualTo(1));
        Assert.That(queue.DelayedCount, Is.Zero, "the later times of the same item are dropped");
    }

    [Test]
    public void AddRateLimited_BacksOffExponentiallyFrom5MsAndForgetResets()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(time);
        var expected = new[] { 5, 10, 20, 40 };
        foreach (var ms in expected)
        {
            queue.AddRateLimited("a");
            time.Advance(TimeSpan.FromMilliseconds(ms - 1));
            Assert.That(queue.Count, Is.Zero, $"not before {ms} ms");
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.That(queue.Count, Is.EqualTo(1), $"at {ms} ms");
            Assert.That(queue.GetAsync().AsTask().Result.Item, Is.EqualTo("a"));
            queue.Done("a");
        }

        Assert.That(queue.NumRequeues("a"), Is.EqualTo(4));
        queue.Forget("a");
        Assert.That(queue.NumRequeues("a"), Is.Zero);
        queue.AddRateLimited("a");
        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.That(queue.Count, Is.EqualTo(1), "after Forget the backoff starts again at 5 ms");
    }

    [Test]
    public void ExponentialLimiter_IsCappedAt1000Seconds()
    {
        var limiter = new ExponentialFailureRateLimiter<string>(RateLimiters.DefaultBaseDelay, RateLimiters.DefaultMaxDelay);
        var delays = Enumerable.Range(0, 40).Select(_ => limiter.When("a")).ToList();

        Assert.That(delays[0], Is.EqualTo(TimeSpan.FromMilliseconds(5)));
        Assert.That(delays[1], Is.EqualTo(TimeSpan.FromMilliseconds(10)));
        Assert.That(delays[17], Is.EqualTo(TimeSpan.FromMilliseconds(5 * 131072)));
        Assert.That(delays[18], Is.EqualTo(TimeSpan.FromSeconds(1000)), "5 ms × 2^18 passes 1000 s");
        Assert.That(delays[39], Is.EqualTo(TimeSpan.FromSeconds(1000)));
        Assert.That(limiter.When("b"), Is.EqualTo(TimeSpan.FromMilliseconds(5)), "backoff is per item");
    }

    [Test]
    public void TokenBucket_AllowsTheBurstThenPacesAtTheRate()
    {
        var time = new FakeTimeProvider();
        var limiter = new TokenBucketRateLimiter<int>(10, 100, time);
        for (var i = 0; i < 100; i++)
        {
            Assert.That(limiter.When(i), Is.EqualTo(TimeSpan.Zero), $"retry {i} is inside the burst");
        }

        Assert.That(limiter.When(100), Is.EqualTo(TimeSpan.FromMilliseconds(100)));
        Assert.That(limiter.When(101), Is.EqualTo(TimeSpan.FromMilliseconds(200)));
        time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 8; i++)
        {
            Assert.That(limiter.When(200 + i), Is.EqualTo(TimeSpan.Zero), "ten tokens came back in one second; two were owed");
        }

        Assert.That(limiter.When(300), Is.EqualTo(TimeSpan.FromMilliseconds(100)));
    }

    [Test]
    public void DefaultControllerLimiter_IsTheLongerOfBackoffAndBucket()
    {
        var time = new FakeTimeProvider();
        var limiter = RateLimiters.DefaultController<int>(time);
        for (var i = 0; i < 100; i++)
        {
            Assert.That(limiter.When(i), Is.EqualTo(TimeSpan.FromMilliseconds(5)));
        }

        Assert.That(limiter.When(1000), Is.EqualTo(TimeSpan.FromMilliseconds(100)), "the bucket is empty: it, not the 5 ms backoff, decides");
    }

    [Test]
    public async Task ShutDown_ReleasesWaitingWorkersAndIgnoresLaterAdds()
    {
        using var queue = new WorkQueue<string>(new FakeTimeProvider());
        var waiting = queue.GetAsync().AsTask();
        queue.ShutDown();

        var result = await waiting.WaitAsync(Wait);
        Assert.That(result.ShuttingDown, Is.True);
        queue.Add("a");
        Assert.That(queue.Count, Is.Zero);
        Assert.That((await queue.GetAsync()).ShuttingDown, Is.True);
    }

    [Test]
    public async Task GetAsync_Cancelled_DoesNotSwallowALaterItem()
    {
        using var queue = new WorkQueue<string>(new FakeTimeProvider());
        using var cancel = new CancellationTokenSource();
        var abandoned = queue.GetAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        Assert.That(async () => await abandoned, Throws.InstanceOf<OperationCanceledException>());

        queue.Add("a");
        Assert.That((await queue.GetAsync().AsTask().WaitAsync(Wait)).Item, Is.EqualTo("a"));
    }
}
