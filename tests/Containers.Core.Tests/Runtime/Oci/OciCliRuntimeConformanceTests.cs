using Containers.Runtime;
using Containers.Runtime.Oci;

namespace Containers.Core.Tests.Runtime.Oci;

/// <summary>The shared conformance fixture against runc, driven through its command line.</summary>
public sealed class OciCliRuntimeConformanceTests : ContainerRuntimeConformance
{
    private string work = null!;

    protected override Task<IContainerRuntime> CreateRuntimeAsync()
    {
        work = Directory.CreateTempSubdirectory("runc-conformance-").FullName;
        var runtime = new OciCliRuntime(new OciCliRuntimeOptions { Name = "runc", Root = Path.Combine(work, "root"), StateRoot = Path.Combine(work, "shims") });
        if (!runtime.IsAvailable)
        {
            Directory.Delete(work, recursive: true);
            Assert.Ignore($"needs runc: none at {runtime.BinaryPath} (apt-get install runc)");
        }

        return Task.FromResult<IContainerRuntime>(runtime);
    }

    protected override void AfterContainersDeleted()
    {
        var shims = Path.Combine(work, "shims");
        Assert.That(Directory.Exists(shims) ? Directory.GetFileSystemEntries(shims) : [], Is.Empty, "a container's shim state outlived its delete");
        Directory.Delete(work, recursive: true);
    }
}
