using Containers.Orchestration.Controllers.Leader;

namespace Containers.Orchestration.Tests.Controllers;

public sealed class LeaderElectorTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Test]
    public async Task Acquire_SecondCandidateWaitsUntilTheFirstStepsDown()
    {
        var elector = new InProcessLeaderElector("test");
        var first = await elector.AcquireAsync("cm", CancellationToken.None);
        var second = elector.AcquireAsync("cm", CancellationToken.None);
        await Task.Delay(20);
        Assert.That(second.IsCompleted, Is.False);
        Assert.That(elector.LeaderOf("cm"), Is.EqualTo(first.Identity));

        await first.DisposeAsync();
        var next = await second.WaitAsync(Wait);
        Assert.That(elector.LeaderOf("cm"), Is.EqualTo(next.Identity));
        Assert.That(next.Identity, Is.Not.EqualTo(first.Identity));
        Assert.That(first.Lost.IsCancellationRequested, Is.False, "stepping down is not losing");
        await next.DisposeAsync();
        Assert.That(elector.LeaderOf("cm"), Is.Null);
    }

    [Test]
    public async Task Acquire_DifferentNamesDoNotExcludeEachOther()
    {
        var elector = new InProcessLeaderElector();
        await using var a = await elector.AcquireAsync("controller-manager", CancellationToken.None);
        await using var b = await elector.AcquireAsync("scheduler", CancellationToken.None).WaitAsync(Wait);
        Assert.That(a.Identity, Is.Not.EqualTo(b.Identity));
    }

    [Test]
    public async Task Revoke_FiresLostAndHandsLeadingToTheNextCandidate()
    {
        var elector = new InProcessLeaderElector();
        var first = await elector.AcquireAsync("cm", CancellationToken.None);
        var second = elector.AcquireAsync("cm", CancellationToken.None);

        Assert.That(elector.Revoke("cm"), Is.True);
        Assert.That(first.Lost.IsCancellationRequested, Is.True);
        await using var next = await second.WaitAsync(Wait);
        await first.DisposeAsync();
        Assert.That(elector.LeaderOf("cm"), Is.EqualTo(next.Identity), "the old holder stepping down late does not release the new term");
    }

    [Test]
    public async Task Acquire_CancelledWhileWaiting_LeavesTheQueue()
    {
        var elector = new InProcessLeaderElector();
        var first = await elector.AcquireAsync("cm", CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var abandoned = elector.AcquireAsync("cm", cancel.Token);
        var third = elector.AcquireAsync("cm", CancellationToken.None);
        await cancel.CancelAsync();
        Assert.That(async () => await abandoned, Throws.InstanceOf<OperationCanceledException>());

        await first.DisposeAsync();
        await using var next = await third.WaitAsync(Wait);
        Assert.That(elector.LeaderOf("cm"), Is.EqualTo(next.Identity));
    }
}
