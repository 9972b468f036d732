namespace Containers.Orchestration.Store.Etcd;

/// <summary>Settings of leader election through etcd leases.</summary>
public sealed class EtcdLeaderElectorOptions
{
    /// <summary>Who the candidates of this process are, as the campaign key records it; the host name and pid by default.</summary>
    public string? Identity { get; set; }

    /// <summary>
    /// The TTL of the etcd lease that holds leadership (whole seconds, at least 2, etcd's minimum):
    /// how long the others wait after a leader dies without stepping down.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the leader renews its lease; a third of the lease by default.</summary>
    public TimeSpan? RenewInterval { get; set; }

    /// <summary>
    /// How long the leader goes on without a successful renewal before it gives up leading
    /// (<see cref="Controllers.Leader.ILeadership.Lost"/>); two thirds of the lease by default, so
    /// it stops before etcd could let another lead.
    /// </summary>
    public TimeSpan? RenewDeadline { get; set; }
}
