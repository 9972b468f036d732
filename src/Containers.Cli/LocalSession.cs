using Containers.Images;
using Containers.Images.Engine;
using Containers.Images.Snapshots;

namespace Containers.Cli;

/// <summary>
/// The state under one root, for one command: the container engine and the image and content
/// stores, laid out as <c>AddContainerEngine</c> and <c>AddContainerImages</c> arrange them
/// (<c>containers/</c>, <c>snapshots/</c>, <c>run/</c>, <c>content/</c>, <c>images/</c>). Each part
/// is built on first use and nothing else is: no DI container, so that <c>containers run</c>
/// starts in milliseconds.
/// </summary>
/// <param name="root">The root.</param>
/// <param name="configure">Settles the engine's options beyond its root (the default bridge network).</param>
internal sealed class LocalSession(string root, Action<EngineOptions>? configure = null) : IAsyncDisposable
{
    private ContainerEngine? _engine;
    private LocalImages? _images;
    private ISnapshotter? _snapshotter;

    /// <summary>The root, as a full path.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>
    /// The engine. What it starts outlives this process, as with docker's daemon: a container it
    /// restarts (by its restart policy, or start and restart) must not die when a short command
    /// ends. Only a foreground <c>run --rm</c> opens it with containers that die with it (<see cref="OpenEngine"/>).
    /// </summary>
    public ContainerEngine Engine => _engine ??= OpenEngine(containersDieWithEngine: false);

    /// <summary>The root's snapshotter, which the engine runs containers on and a pull unpacks into.</summary>
    public ISnapshotter Snapshotter => _snapshotter ??= SnapshotterSelector.Select(new SnapshotterOptions { Root = SnapshotsRoot, Snapshotter = SnapshotterInUse(SnapshotsRoot) });

    /// <summary>The images; an image is in use (for <c>rmi</c>) while a container of <see cref="Engine"/> was made from it.</summary>
    public LocalImages Images => _images ??= new LocalImages(Root, new EngineUsage(this));

    /// <summary>
    /// Opens the engine with the containers it creates (and restarts) dying with this process or not
    /// (only a foreground <c>run --rm</c>'s do). Call it before any use of <see cref="Engine"/>.
    /// </summary>
    public ContainerEngine OpenEngine(bool containersDieWithEngine)
    {
        if (_engine is not null)
        {
            throw new InvalidOperationException("the engine of this session is already open");
        }

        var options = new EngineOptions { Root = Root, ContainersDieWithEngine = containersDieWithEngine };
        configure?.Invoke(options);
        _engine = new ContainerEngine(options, snapshotter: Snapshotter);
        return _engine;
    }

    /// <summary>The image a name, image ID (prefix) or <c>name@digest</c> gives in the local store.</summary>
    /// <exception cref="Errors.NotFoundException">No local image answers to it.</exception>
    public async Task<IImage> ResolveImageAsync(string reference, CancellationToken cancellationToken = default) =>
        await Images.ResolveAsync(reference, cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <summary>Lets go of the engine (its port forwarders among what it holds); the next use opens it again.</summary>
    public async ValueTask CloseEngineAsync()
    {
        if (_engine is { } engine)
        {
            _engine = null;
            await engine.DisposeAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => CloseEngineAsync();

    private string SnapshotsRoot => Path.Combine(Root, "snapshots");

    /// <summary>
    /// A root already in use keeps its snapshotter (its snapshots are there), and needs no probe
    /// mount to choose one again; a new root is probed.
    /// </summary>
    private static string? SnapshotterInUse(string snapshots) =>
        Directory.Exists(Path.Combine(snapshots, "overlay")) ? "overlay"
        : Directory.Exists(Path.Combine(snapshots, "native")) ? "native"
        : null;

    /// <summary>The engine as the images' user, opened only when an image's users are asked for.</summary>
    private sealed class EngineUsage(LocalSession session) : IImageUsage
    {
        public ValueTask<IReadOnlyList<string>> ContainersUsingAsync(Digest manifest, CancellationToken cancellationToken = default) =>
            session.Engine.ContainersUsingAsync(manifest, cancellationToken);
    }
}
