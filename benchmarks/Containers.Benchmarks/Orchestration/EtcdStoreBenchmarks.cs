using BenchmarkDotNet.Attributes;
using Containers.Orchestration.Serialization;
using Containers.Orchestration.Store;
using Containers.Orchestration.Store.Etcd;
using Containers.Orchestration.Tests.Store.Etcd;
using Etcdserverpb;
using Google.Protobuf;

namespace Containers.Benchmarks.Orchestration;

/// <summary>
/// The etcd store's writes and watch fan-out (<see cref="StoreWorkload"/>, as
/// <see cref="StoreBenchmarks"/> measures the embedded store) against a real etcd on this machine
/// (etcd-server, one member, its data in a temporary directory on the same disk), beside etcd's own
/// write throughput through the same client.
/// </summary>
/// <remarks>
/// <para>
/// Create is one etcd transaction (create-revision compare, put). Update is a range read (the stored
/// uid and creation time) then a transaction (mod-revision compare, put). Each watch is its own etcd
/// watch stream.
/// </para>
/// <para>
/// EtcdPut is etcd's own write throughput: a plain put of the same JSON bytes to one key outside the
/// watched prefix, through the same dotnet-etcd connection, with no transaction, no encoding and no
/// watcher. Every etcd write, ours or raw, waits for etcd's fsync of its log.
/// </para>
/// </remarks>
[MemoryDiagnoser]
public class EtcdStoreBenchmarks : StoreWorkload
{
    private EtcdServer _etcd = null!;
    private dotnet_etcd.EtcdClient _raw = null!;
    private PutRequest _rawPut = null!;

    [Benchmark]
    public Task<PutResponse> EtcdPut() => _raw.PutAsync(_rawPut);

    protected override async Task<IStateStore> OpenStoreAsync()
    {
        _etcd = await EtcdServer.StartAsync();
        _raw = new dotnet_etcd.EtcdClient(_etcd.ClientUrl);
        _rawPut = new PutRequest { Key = ByteString.CopyFromUtf8("/raw/configmap"), Value = ByteString.CopyFrom(KubeJson.SerializeToUtf8Bytes(NewConfigMap("raw"))) };
        return await EtcdStateStore.ConnectAsync(new EtcdStateStoreOptions { Endpoints = _etcd.ClientUrl, Prefix = "/bench" });
    }

    protected override async Task CloseStoreAsync()
    {
        _raw.Dispose();
        await _etcd.DisposeAsync();
    }
}
