using Containers.Images.Engine;
using Containers.Images.Layers;
using Containers.Images.Snapshots;
using Containers.Testing;

namespace Containers.Images.Tests.Engine;

/// <summary>
/// The child process of <see cref="EngineOwnerDeathTests"/>: an engine on the test's root runs a
/// container that sleeps, reports it on stdout as <c>id, pid, snapshot directory</c> (tab
/// separated), then waits to be killed.
/// </summary>
internal static class EngineOwnerProcess
{
    public const string Command = "engine-owner";

    public static async Task<int> RunAsync(string root, string layerPath)
    {
        var snapshotter = SnapshotterSelector.Select(new SnapshotterOptions { Root = Path.Combine(root, "snapshots") }, TimeProvider.System);
        var engine = new ContainerEngine(new EngineOptions { Root = root, DefaultNetwork = "none" }, EngineTest.NewRuntime(root), snapshotter);
        var image = BusyboxImage.ImageOf(await TarballLayer.FromFileAsync(layerPath));
        var info = await engine.RunAsync(new ContainerRunSpec(image) { Cmd = ["sleep", "600"] });
        var snapshot = await ((ISnapshotDirectory)snapshotter).DirectoryOfAsync($"container-{info.Id}");
        await Console.Out.WriteLineAsync($"{info.Id}\t{info.Pid}\t{snapshot}");
        await Console.Out.FlushAsync();
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
