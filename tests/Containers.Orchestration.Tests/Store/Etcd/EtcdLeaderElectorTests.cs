using Containers.Errors;
using Containers.Orchestration.Controllers.Leader;
using Containers.Orchestration.Store.Etcd;
using Etcdserverpb;

namespace Containers.Orchestration.Tests.Store.Etcd;

/// <summary>Leader election through etcd leases, between candidates that share nothing but the etcd.</summary>
public sealed class EtcdLeaderElectorTests : EtcdTest
{
    private static readonly EtcdLeaderElectorOptions ShortLease = new() { LeaseDuration = TimeSpan.FromSeconds(3) };

    [Test]
    public async Task TwoCandidates_OneLeads_TheOtherWaitsUntilItStepsDown()
    {
        await using var storeA = await ConnectAsync();
        await using var storeB = await ConnectAsync();
        var a = new EtcdLeaderElector(storeA, new EtcdLeaderElectorOptions { Identity = "a", LeaseDuration = ShortLease.LeaseDuration });
        var b = new EtcdLeaderElector(storeB, new EtcdLeaderElectorOptions { Identity = "b", LeaseDuration = ShortLease.LeaseDuration });

        var leaderA = await a.AcquireAsync("controller-manager", Timeout);
        var waitingB = b.AcquireAsync("controller-manager", Timeout);

        // B keeps waiting while A leads, renewals included (a lease of 3 s is renewed every second).
        using (var patience = CancellationTokenSource.CreateLinkedTokenSource(Timeout))
        {
            patience.CancelAfter(TimeSpan.FromSeconds(4));
            Assert.That(async () => await b.AcquireAsync("controller-manager", patience.Token), Throws.InstanceOf<OperationCanceledException>());
        }

        Assert.That(waitingB.IsCompleted, Is.False, "B leads only after A steps down");
        Assert.That(leaderA.Lost.IsCancellationRequested, Is.False, "A's lease was renewed all along");
        Assert.That(await HolderAsync(a, "controller-manager"), Is.EqualTo(leaderA.Identity));

        await leaderA.DisposeAsync();
        await using var leaderB = await waitingB.WaitAsync(Timeout);

        Assert.That(leaderB.Identity, Does.StartWith("b-"));
        Assert.That(await HolderAsync(b, "controller-manager"), Is.EqualTo(leaderB.Identity));
    }

    [Test]
    public async Task LeadersLeaseRevoked_ItLosesLeadership_AndTheOtherTakesOver()
    {
        await using var storeA = await ConnectAsync();
        await using var storeB = await ConnectAsync();
        var a = new EtcdLeaderElector(storeA, ShortLease);
        var b = new EtcdLeaderElector(storeB, ShortLease);
        await using var leaderA = await a.AcquireAsync("scheduler", Timeout);
        var waitingB = b.AcquireAsync("scheduler", Timeout);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = leaderA.Lost.Register(() => lost.TrySetResult());

        using var raw = RawClient();
        var campaign = await raw.GetAsync(a.KeyOf("scheduler"), cancellationToken: Timeout);
        await raw.LeaseRevokeAsync(new LeaseRevokeRequest { ID = campaign.Kvs[0].Lease }, cancellationToken: Timeout);

        await lost.Task.WaitAsync(Timeout);
        await using var leaderB = await waitingB.WaitAsync(Timeout);
        Assert.That(await HolderAsync(b, "scheduler"), Is.EqualTo(leaderB.Identity));
        Assert.That(leaderB.Lost.IsCancellationRequested, Is.False);
    }

    [Test]
    public async Task LeaderWhoseEtcdIsGone_LosesLeadershipBeforeItsLeaseCouldExpire()
    {
        await using var store = await ConnectAsync();
        var elector = new EtcdLeaderElector(store, ShortLease);
        await using var leader = await elector.AcquireAsync("controller-manager", Timeout);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = leader.Lost.Register(() => lost.TrySetResult());

        await Etcd.StopAsync();
        try
        {
            await lost.Task.WaitAsync(Timeout);
        }
        finally
        {
            await Etcd.StartAgainAsync();
        }

        Assert.That(leader.Lost.IsCancellationRequested, Is.True);
    }

    [Test]
    public async Task CancelledCampaign_GivesItsLeaseBack()
    {
        await using var store = await ConnectAsync();
        var elector = new EtcdLeaderElector(store, ShortLease);
        await using var leader = await elector.AcquireAsync("x", Timeout);
        using var raw = RawClient();
        var before = (await raw.LeaseLeasesAsync(new LeaseLeasesRequest(), cancellationToken: Timeout)).Leases.Select(l => l.ID).ToHashSet();

        using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(Timeout))
        {
            cancel.CancelAfter(TimeSpan.FromMilliseconds(500));
            Assert.That(async () => await elector.AcquireAsync("x", cancel.Token), Throws.InstanceOf<OperationCanceledException>());
        }

        var after = (await raw.LeaseLeasesAsync(new LeaseLeasesRequest(), cancellationToken: Timeout)).Leases.Select(l => l.ID).ToHashSet();
        Assert.That(after.Except(before), Is.Empty, "no lease of the failed campaign is left to expire");
    }

    [TestCase(1)]
    [TestCase(2.5)]
    public void Lease_NotWholeSecondsOfAtLeastTwo_IsInvalid(double seconds) =>
        Assert.ThrowsAsync<InvalidArgumentException>(async () =>
        {
            await using var store = await ConnectAsync();
            _ = new EtcdLeaderElector(store, new EtcdLeaderElectorOptions { LeaseDuration = TimeSpan.FromSeconds(seconds) });
        });

    private async Task<string?> HolderAsync(EtcdLeaderElector elector, string name)
    {
        using var raw = RawClient();
        var response = await raw.GetAsync(elector.KeyOf(name), cancellationToken: Timeout);
        return response.Kvs.Count == 0 ? null : response.Kvs[0].Value.ToStringUtf8();
    }
}
