using Containers.Images.Testing;
using Containers.Images.Tests.Engine;

namespace Containers.Images.Tests.Testing;

/// <summary>Throwaway containers on the test's own engine (so its teardown checks that nothing is left), from the busybox image.</summary>
public abstract class ThrowawayContainerTest : EngineTest
{
    /// <summary>Ends a test that would otherwise hang.</summary>
    protected static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    /// <summary>A builder on the test's engine and image.</summary>
    protected ContainerBuilder Builder() => new ContainerBuilder().WithImage(Image).WithEngine(Engine);

    /// <summary>Starts <paramref name="container"/>, failing the test instead of hanging.</summary>
    protected static async Task StartAsync(ThrowawayContainer container)
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        await container.StartAsync(timeout.Token);
    }

    /// <summary>Whether <paramref name="path"/> exists in the container's writable layer, looked at from the host.</summary>
    protected bool ExistsInRootfs(ThrowawayContainer container, string path) =>
        File.Exists(Path.Combine(Root, "containers", container.Id, "rootfs", path.TrimStart('/')));
}
