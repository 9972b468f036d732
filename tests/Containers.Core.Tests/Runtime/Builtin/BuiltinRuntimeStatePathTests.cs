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

    [Test]
    public async Task AnExit_IsReportedOnlyOnceTheSocketNameIsGone_SoThatAContainerMadeAgainUnderTheIdKeepsItsSocket()
    {
        var id = NewId();
        var containers = new TestContainers(Runtime, CgroupParent);
        await using (await containers.CreateAsync(id, null, StdioMode.Null, "/bin/true"))
        {
            await Runtime.StartAsync(id);
            await Runtime.WaitAsync(id);

            // The old shim must not take the name away later: by then it may be the new container's.
            var state = Path.Combine(StateRoot, id);
            Assert.That(File.Exists(Path.Combine(state, "shim.sock")), Is.False, "the socket's name outlived the exit report");
            Assert.That(File.Exists(Path.Combine(state, "exit")), Is.True, "a client that finds no socket reads the exit file");
        }

        await Runtime.DeleteAsync(id);
        await using (await containers.CreateAsync(id, null, StdioMode.Null, "/bin/sleep", "30"))
        {
            await Runtime.StartAsync(id);
            await using var other = new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = StateRoot });
            Assert.That((await other.GetStateAsync(id)).Status, Is.EqualTo(ContainerStatus.Running), "another instance reaches the new container through its socket");
            await other.KillAsync(id, 9);
            Assert.That((await Runtime.WaitAsync(id)).Signal, Is.EqualTo(9));
        }

        await containers.DeleteAllAsync();
    }
}
