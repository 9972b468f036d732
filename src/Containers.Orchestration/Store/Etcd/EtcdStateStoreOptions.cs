namespace Containers.Orchestration.Store.Etcd;

/// <summary>Settings of the etcd store.</summary>
public sealed class EtcdStateStoreOptions
{
    /// <summary>
    /// The etcd client URL, or several separated by commas (<c>http://10.0.0.1:2379,http://10.0.0.2:2379</c>),
    /// as <c>containers cluster serve --etcd</c> takes it.
    /// </summary>
    public string Endpoints { get; set; } = "http://127.0.0.1:2379";

    /// <summary>
    /// The key prefix every object lives under (<see cref="StoreKeys"/>); several clusters, or tests,
    /// can share one etcd with different prefixes. No trailing '/'.
    /// </summary>
    public string Prefix { get; set; } = StoreKeys.DefaultRoot;

    /// <summary>How long opening the store waits for etcd to answer before it reports it unreachable.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a watch keeps trying to reopen its stream after the connection to etcd broke
    /// (it resumes after the last revision it delivered) before it fails with Unavailable.
    /// </summary>
    public TimeSpan WatchRetryTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
