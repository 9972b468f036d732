using Containers.Orchestration.Store;
using Containers.Orchestration.Store.Embedded;

namespace Containers.Orchestration.Tests.Store;

public sealed class InMemoryEmbeddedStoreConformance : StateStoreConformance
{
    protected override Task<IStateStore> CreateStoreAsync() => Task.FromResult<IStateStore>(EmbeddedStateStore.CreateInMemory());
}

public sealed class FileEmbeddedStoreConformance : StateStoreConformance
{
    private string _directory = null!;

    protected override async Task<IStateStore> CreateStoreAsync()
    {
        _directory = Directory.CreateTempSubdirectory("store-conformance-").FullName;
        return await EmbeddedStateStore.OpenAsync(new EmbeddedStateStoreOptions { DataDirectory = _directory });
    }

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_directory, recursive: true);
}
