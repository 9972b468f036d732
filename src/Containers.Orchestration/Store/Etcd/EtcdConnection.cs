using Containers.Errors;
using dotnet_etcd;
using Etcdserverpb;
using Grpc.Core;

namespace Containers.Orchestration.Store.Etcd;

/// <summary>
/// One gRPC connection to an etcd cluster through dotnet-etcd's <see cref="EtcdClient"/> (its
/// channel balances over the endpoints and retries calls that never reached a server), shared by
/// the store and the leader elector, and the translation of etcd's errors into this platform's.
/// </summary>
internal sealed class EtcdConnection : IDisposable
{
    private EtcdConnection(string endpoints, EtcdClient client)
    {
        Endpoints = endpoints;
        Client = client;
        Kv = client.GetConnection().KVClient;
        Watch = client.GetConnection().WatchClient;
        Lease = client.GetConnection().LeaseClient;
    }

    /// <summary>The endpoints as the user gave them, for messages.</summary>
    public string Endpoints { get; }

    public EtcdClient Client { get; }

    public KV.KVClient Kv { get; }

    public Watch.WatchClient Watch { get; }

    public Lease.LeaseClient Lease { get; }

    /// <summary>A connection to <paramref name="endpoints"/>; nothing is dialled until the first call.</summary>
    /// <exception cref="InvalidArgumentException">An endpoint is not an http:// or https:// URL.</exception>
    public static EtcdConnection Create(string endpoints)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoints);
        var secure = false;
        foreach (var endpoint in endpoints.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Port <= 0 || uri.AbsolutePath is not ("" or "/"))
            {
                throw new InvalidArgumentException($"etcd endpoint \"{endpoint}\" is not a client URL: write it as http://HOST:PORT (etcd's --advertise-client-urls), several separated by commas");
            }

            secure |= uri.Scheme == "https";
        }

        var client = new EtcdClient(endpoints, configureChannelOptions: options =>
        {
            if (secure)
            {
                options.Credentials = ChannelCredentials.SecureSsl;
            }
        });
        return new EtcdConnection(endpoints, client);
    }

    /// <summary>Runs one etcd call, with etcd's errors turned into this platform's; <paramref name="what"/> starts their messages.</summary>
    public async Task<T> CallAsync<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
        {
            throw new OperationCanceledException($"{what}: cancelled", e);
        }
        catch (RpcException e)
        {
            throw Translate(e, what);
        }
    }

    /// <summary>This platform's exception for an etcd error while doing <paramref name="what"/>.</summary>
    public ContainersException Translate(RpcException e, string what) => e.StatusCode switch
    {
        StatusCode.OutOfRange when e.Status.Detail.Contains("compacted", StringComparison.Ordinal) =>
            new GoneException($"{what}: the revision asked for is compacted in etcd ({e.Status.Detail}): list again and watch from the list's resourceVersion", e),
        StatusCode.OutOfRange when e.Status.Detail.Contains("future revision", StringComparison.Ordinal) =>
            new UnavailableException($"{what}: etcd has not reached the revision asked for ({e.Status.Detail}): retry later or list without a resourceVersion", e),
        StatusCode.Unavailable or StatusCode.DeadlineExceeded =>
            new UnavailableException($"{what}: etcd at {Endpoints} is unreachable ({e.Status.StatusCode}: {e.Status.Detail}): check that etcd runs there and that the URL is its client URL", e),
        StatusCode.InvalidArgument =>
            new InvalidArgumentException($"{what}: etcd at {Endpoints} refused the request ({e.Status.Detail})", e),
        _ => new FailedPreconditionException($"{what}: etcd at {Endpoints} failed the request ({e.Status.StatusCode}: {e.Status.Detail})", e),
    };

    public void Dispose() => Client.Dispose();
}
