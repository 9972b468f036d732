using System.Globalization;
using Containers.Images.Layers;
using Containers.Images.Testing;
using Containers.Testing;

namespace Containers.Images.Tests.Testing;

/// <summary>
/// The child process of <see cref="SharedEngineTests"/>: a throwaway container on the process's
/// shared engine, with a published port, reported on stdout as <c>id, pid, shared root, bridge,
/// cgroup parent, host port</c> (tab separated); then it waits to be killed.
/// </summary>
internal static class ThrowawayOwnerProcess
{
    public const string Command = "throwaway-owner";

    public static async Task<int> RunAsync(string layerPath)
    {
        var container = new ContainerBuilder()
            .WithImage(BusyboxImage.ImageOf(await TarballLayer.FromFileAsync(layerPath)))
            .WithCommand("nc", "-ll", "-p", "9000", "-e", "echo", "pong")
            .WithPortBinding(9000)
            .WithWaitStrategy(Wait.ForPort(9000))
            .Build();
        await container.StartAsync();
        var engine = await SharedEngine.GetAsync(CancellationToken.None);
        var pid = (await engine.InspectAsync(container.Id)).Pid;
        var bridge = (await engine.InspectNetworkAsync(SharedEngine.NetworkName)).BridgeName;
        await Console.Out.WriteLineAsync(string.Join('\t', container.Id, pid.ToString(CultureInfo.InvariantCulture), SharedEngine.Root, bridge, SharedEngine.CgroupParent, container.GetMappedPort(9000).ToString(CultureInfo.InvariantCulture)));
        await Console.Out.FlushAsync();
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
