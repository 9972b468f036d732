using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Builtin;

namespace Containers.Core.Tests.Runtime.Builtin;

/// <summary>A state root deep enough that a container's <c>shim.sock</c> path outgrows sun_path's 108 bytes.</summary>
public sealed class BuiltinRuntimeStatePathTests : BuiltinRuntimeTest
{
    [Test]
    public async Task ADeepStateRoot_WithA64CharacterId_ServesTheContainerToAnotherRuntimeInstance()
    {
        var deep = Path.Combine(StateRoot, new string('d', 40));
        var id = new string('a', 56) + Guid.NewGuid().ToString("N")[..8];
        Assert.That(System.Text.Encoding.UTF8.GetByteCount(Path.Combine(deep, id, "shim.sock")), Is.GreaterThan(108), "the test must pass sun_path's limit");
        try
        {
            await using var owner = new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = deep });
            var containers = new TestContainers(owner, CgroupParent);
            await using (await containers.CreateAsync(id, null, StdioMode.Null, "/bin/sleep", "30"))
            {
                await owner.StartAsync(id);

                // Another instance has no owner channel: it reaches the shim through its socket.
                await using var other = new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = deep });
                Assert.That((await other.GetStateAsync(id)).Status, Is.EqualTo(ContainerStatus.Running));
                await other.KillAsync(id, 9);
                Assert.That((await owner.WaitAsync(id)).Signal, Is.EqualTo(9));
            }

            await containers.DeleteAllAsync();
        }
        finally
        {
            if (Directory.Exists(deep))
            {
                Directory.Delete(deep, recursive: true);
            }
        }
    }
}
