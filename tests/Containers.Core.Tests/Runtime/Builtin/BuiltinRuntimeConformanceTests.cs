using Containers.Runtime;
using Containers.Runtime.Builtin;

namespace Containers.Core.Tests.Runtime.Builtin;

/// <summary>The shared conformance fixture against the built-in runtime.</summary>
public sealed class BuiltinRuntimeConformanceTests : ContainerRuntimeConformance
{
    private string stateRoot = null!;

    protected override Task<IContainerRuntime> CreateRuntimeAsync()
    {
        stateRoot = Directory.CreateTempSubdirectory("builtin-state-").FullName;
        return Task.FromResult<IContainerRuntime>(new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = stateRoot }));
    }

    protected override void AfterContainersDeleted()
    {
        Assert.That(Directory.GetFileSystemEntries(stateRoot), Is.Empty, "a container's state outlived its delete");
        Directory.Delete(stateRoot);
    }
}
