using Containers.Cgroups;
using Containers.Errors;
using Containers.Images.Testing;

namespace Containers.Images.Tests.Testing;

/// <summary>
/// Once the throwaway-container tests are done, the shared engine removes its containers,
/// network, root and cgroup parent, while the test run still waits for it (a runner may kill its
/// host before the process-exit cleanup ends); any of them left fails the run.
/// </summary>
[SetUpFixture]
public sealed class SharedEngineTeardown
{
    [OneTimeTearDown]
    public async Task RemoveTheSharedEngine()
    {
        var root = SharedEngine.Root;
        var cgroupParent = SharedEngine.CgroupParent;

        await SharedEngine.ShutdownAsync();
        // What a child of a test that failed half way left.
        await SharedEngine.RemoveRootsOfDeadProcessesAsync();

        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(root), Is.False, "the shared engine's root");
            Assert.That(() => Cgroup.Open(CgroupLayout.Current, CgroupPath.Parse(cgroupParent)).Dispose(), Throws.TypeOf<NotFoundException>(), "the shared engine's cgroup parent");
        });
    }
}
