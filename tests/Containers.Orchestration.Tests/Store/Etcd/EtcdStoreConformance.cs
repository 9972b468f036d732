using Containers.Orchestration.Store;
using Containers.Orchestration.Store.Etcd;

namespace Containers.Orchestration.Tests.Store.Etcd;

/// <summary>The shared store contract on a real etcd: one etcd for the fixture, a fresh key prefix per test.</summary>
public sealed class EtcdStoreConformance : StateStoreConformance
{
    private EtcdServer? _etcd;

    [OneTimeSetUp]
    public async Task StartEtcdAsync() => _etcd = await EtcdTest.StartEtcdServerAsync();

    [OneTimeTearDown]
    public async Task StopEtcdAsync()
    {
        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }
    }

    protected override async Task<IStateStore> CreateStoreAsync() =>
        await EtcdStateStore.ConnectAsync(new EtcdStateStoreOptions { Endpoints = _etcd!.ClientUrl, Prefix = EtcdTest.NewPrefix() });
}
