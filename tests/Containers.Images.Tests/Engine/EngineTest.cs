using Containers.Cgroups;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Images.Layers;
using Containers.Mounts;
using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Builtin;
using Containers.Testing;

namespace Containers.Images.Tests.Engine;

/// <summary>
/// A container engine on a fresh root for each test, with a locally built busybox image. After
/// each test every container is removed, and the test fails if a mount under the root, a
/// container snapshot or runtime state is left.
/// </summary>
public abstract class EngineTest
{
    protected const string CgroupParent = "dotnet-containers-engine-test";

    private BusyboxImage? _busybox;

    protected IImage Image { get; private set; } = null!;

    /// <summary>The image's one layer, a tar file, from which another process can make the image again (<see cref="BusyboxImage.ImageOf"/>).</summary>
    protected string LayerPath => _busybox!.LayerPath;

    protected string Root { get; private set; } = null!;

    protected BuiltinRuntime Runtime { get; private set; } = null!;

    protected ContainerEngine Engine { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task BuildBusyboxImage()
    {
        _busybox = await BusyboxImage.BuildOrIgnoreAsync();
        Image = _busybox.Image;
    }

    [OneTimeTearDown]
    public async Task RemoveImageAndCgroupParent()
    {
        _busybox?.Dispose();
        await BusyboxImage.DeleteCgroupParentAsync(CgroupParent);
    }

    [SetUp]
    public void CreateEngine()
    {
        Root = Directory.CreateTempSubdirectory("engine-root-").FullName;
        Runtime = NewRuntime(Root);
        Engine = new ContainerEngine(CreateOptions(), Runtime);
    }

    /// <summary>A runtime on the engine root's <c>run</c> directory, with the tests' cgroup parent.</summary>
    internal static BuiltinRuntime NewRuntime(string root) =>
        new(new BuiltinRuntimeOptions { StateRoot = Path.Combine(root, "run"), CgroupParent = CgroupParent });

    [TearDown]
    public async Task RemoveEverything()
    {
        if (Engine is null)
        {
            // Setup failed before the engine existed; still leave no root behind.
            if (Root is not null && Directory.Exists(Root))
            {
                LayerApplier.DeleteTree(Root);
            }

            return;
        }

        await RemoveAllContainersAsync();
        var interfacesLeft = UsesBridges ? await Bridges.RemoveAllAsync(Engine) : [];
        await Engine.DisposeAsync();
        var runtimeLeft = await Runtime.ListAsync();
        await Runtime.DisposeAsync();
        var mountsLeft = MountInfo.ReadSelf().Where(m => m.MountPoint.StartsWith(Root + "/", StringComparison.Ordinal)).Select(m => m.MountPoint).ToArray();
        foreach (var mount in mountsLeft.Reverse())
        {
            Containers.Images.Snapshots.SnapshotMounter.UnmountAll(mount);
        }

        LayerApplier.DeleteTree(Root);
        Engine = null!;
        Assert.Multiple(() =>
        {
            Assert.That(mountsLeft, Is.Empty, "a mount under the engine's root outlived its container");
            Assert.That(runtimeLeft.Select(state => state.Id), Is.Empty, "a runtime container outlived its engine container");
            Assert.That(interfacesLeft, Is.Empty, "an interface outlived its container or network");
        });
    }

    /// <summary>
    /// Disposes the engine and opens a new one on the same root, as a restarted process would:
    /// optionally on another clock, with changed settings, and (<paramref name="newRuntime"/>) on a
    /// new runtime, the old one disposed as the end of its process would.
    /// </summary>
    protected async Task ReopenEngineAsync(TimeProvider? timeProvider = null, Action<EngineOptions>? configure = null, bool newRuntime = false)
    {
        await Engine.DisposeAsync();
        if (newRuntime)
        {
            await Runtime.DisposeAsync();
            Runtime = NewRuntime(Root);
        }

        var options = CreateOptions();
        configure?.Invoke(options);
        Engine = new ContainerEngine(options, Runtime, timeProvider: timeProvider);
    }

    /// <summary>Whether the fixture's tests make bridges: then they are <see cref="Bridges"/>', and each test fails if it leaves an interface.</summary>
    protected virtual bool UsesBridges => false;

    /// <summary>The interface prefix and subnets of this fixture's bridges, when it <see cref="UsesBridges"/>.</summary>
    protected TestBridges Bridges { get; } = new();

    /// <summary>
    /// The engine's settings: the test's root, and no network by default, so that a test is fast
    /// and touches no bridge it did not make; with <see cref="UsesBridges"/>, the fixture's
    /// prefix and subnets for the bridges it makes.
    /// </summary>
    protected virtual EngineOptions CreateOptions()
    {
        var options = new EngineOptions { Root = Root, DefaultNetwork = "none" };
        return UsesBridges ? Bridges.Apply(options) : options;
    }

    /// <summary>A network of <see cref="Bridges"/> on the test's engine, named <c>prefix-suffix</c>.</summary>
    protected Task<NetworkInfo> CreateNetworkAsync(string suffix, Containers.Networking.Ipv4Subnet? subnet = null) =>
        Bridges.CreateNetworkAsync(Engine, suffix, subnet);

    /// <summary>Removes every container of the engine, with force.</summary>
    protected async Task RemoveAllContainersAsync()
    {
        // A hang in removal fails the test instead of stalling the run.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var container in await Engine.ListAsync(timeout.Token))
        {
            try
            {
                await Engine.RemoveAsync(container.Id, force: true, timeout.Token);
            }
            catch (NotFoundException)
            {
                // An auto-removed container went meanwhile.
            }
        }
    }

    protected ContainerRunSpec Spec(params string[] cmd) => new(Image) { Cmd = cmd.Length == 0 ? null : cmd };

    /// <summary>The busybox image with one more layer, made from a tree that <paramref name="build"/> fills (removed with the fixture).</summary>
    protected async Task<IImage> ImageWithLayerAsync(Action<string> build)
    {
        var tree = Path.Combine(_busybox!.Directory, $"layer-{Guid.NewGuid():N}");
        Directory.CreateDirectory(tree);
        build(tree);
        return Mutate.AppendLayers(Image, await TarballLayer.FromDirectoryAsync(tree, tree + ".tar", LayerCompression.None));
    }

    /// <summary>Inspects the container until <paramref name="condition"/> holds, failing after 30 s.</summary>
    protected async Task<ContainerInfo> InspectUntilAsync(string id, Func<ContainerInfo, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var info = await Engine.InspectAsync(id);
            if (condition(info))
            {
                return info;
            }

            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"the container never {what}; last seen {info.Status}, restarting {info.Restarting}, {info.RestartCount} restarts");
            await Task.Delay(20);
        }
    }

    /// <summary>Runs a container to its end and returns its exit status and whole log text.</summary>
    protected async Task<(ExitStatus Status, string Log, ContainerInfo Info)> RunToEndAsync(ContainerRunSpec spec)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var info = await Engine.RunAsync(spec, timeout.Token);
        var status = await Engine.WaitAsync(info.Id, timeout.Token);
        var log = await LogTextAsync(info.Id, follow: true, timeout.Token);
        return (status, log, info);
    }

    /// <summary>Waits (up to 20 s, then fails) until the container's log holds <paramref name="text"/>.</summary>
    protected async Task WaitForLogAsync(string id, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(await LogTextAsync(id)).Contains(text, StringComparison.Ordinal))
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"container {id[..12]} never logged {text.Trim()}; its log: {await LogTextAsync(id)}");
            await Task.Delay(20);
        }
    }

    protected async Task<string> LogTextAsync(string id, bool follow = false, CancellationToken cancellationToken = default)
    {
        var text = new System.Text.StringBuilder();
        await foreach (var entry in Engine.LogsAsync(id, follow, cancellationToken))
        {
            text.Append(entry.Text);
        }

        return text.ToString();
    }
}
