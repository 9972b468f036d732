using Containers.Images;
using Containers.Images.Content;
using Containers.Images.Content.Local;
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
internal sealed class LocalSession(string root) : IAsyncDisposable
{
    private ContainerEngine? _engine;
    private LocalContentStore? _content;
    private LocalImageStore? _names;

    /// <summary>The root, as a full path.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The engine; its containers die with this process (see <see cref="OpenEngine"/> for ones that outlive it).</summary>
    public ContainerEngine Engine => _engine ??= OpenEngine(containersDieWithEngine: true);

    public IContentStore Content => _content ??= new LocalContentStore(Path.Combine(Root, "content"));

    public IImageStore ImageNames => _names ??= new LocalImageStore(Path.Combine(Root, "images"));

    /// <summary>
    /// Opens the engine with the containers it creates dying with this process or not (<c>run -d</c>
    /// and <c>create</c>: not). Call it before any use of <see cref="Engine"/>.
    /// </summary>
    public ContainerEngine OpenEngine(bool containersDieWithEngine)
    {
        if (_engine is not null)
        {
            throw new InvalidOperationException("the engine of this session is already open");
        }

        var snapshots = Path.Combine(Root, "snapshots");
        _engine = new ContainerEngine(
            new EngineOptions { Root = Root, ContainersDieWithEngine = containersDieWithEngine },
            snapshotter: SnapshotterSelector.Select(new SnapshotterOptions { Root = snapshots, Snapshotter = SnapshotterInUse(snapshots) }));
        return _engine;
    }

    /// <summary>The image a reference names in the local store.</summary>
    /// <exception cref="Errors.NotFoundException">No local image has that name.</exception>
    public async Task<IImage> ResolveImageAsync(string reference, CancellationToken cancellationToken = default)
    {
        var name = ImageReference.Parse(reference);
        var record = await ImageNames.GetAsync(name, cancellationToken).ConfigureAwait(false);
        return await ImageLoader.LoadImageForPlatformAsync(Content, record.Target, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A root already in use keeps its snapshotter (its snapshots are there), and needs no probe
    /// mount to choose one again; a new root is probed.
    /// </summary>
    private static string? SnapshotterInUse(string snapshots) =>
        Directory.Exists(Path.Combine(snapshots, "overlay")) ? "overlay"
        : Directory.Exists(Path.Combine(snapshots, "native")) ? "native"
        : null;
}
