using Containers.Images.Snapshots;

namespace Containers.Images.Build;

/// <summary>
/// The image a build stage has made so far: the config a container of it would start with (env,
/// working directory, user, shell, entrypoint, cmd, labels, ports, volumes, stop signal,
/// healthcheck, ONBUILD triggers, all in <see cref="Config"/>), its layers bottom first, its
/// history as Docker writes it, and the cache key of everything that led here. Immutable: each
/// instruction gives a new state.
/// </summary>
internal sealed record BuildState
{
    /// <summary>The image config the stage started from (platform, and the base image's own fields); its container config and rootfs are replaced by this state's.</summary>
    public required ImageConfiguration Base { get; init; }

    /// <summary>The manifest type of the image the stage makes (that of its base).</summary>
    public MediaType MediaType { get; init; } = MediaType.OciManifest;

    public required ContainerConfig Config { get; init; }

    /// <summary>The layers, bottom first.</summary>
    public IReadOnlyList<ILayer> Layers { get; init; } = [];

    /// <summary>The history, one entry per instruction that Docker records (those with <c>empty_layer</c> add no layer).</summary>
    public IReadOnlyList<HistoryEntry> History { get; init; } = [];

    /// <summary>MAINTAINER's value, the image config's <c>author</c>.</summary>
    public string? Author { get; init; }

    /// <summary>
    /// The build cache key of this state: the hash of the base image and of every instruction
    /// applied since, so that two states with the same key have the same filesystem and config.
    /// </summary>
    public required string CacheKey { get; init; }

    /// <summary>The ChainID of <see cref="Layers"/>: the name of the snapshot of this state's filesystem; null with no layers.</summary>
    public Digest? ChainId => Layers.Count == 0 ? null : Snapshots.ChainId.Compute([.. Layers.Select(l => l.DiffId)])[^1];

    /// <summary>The state of a stage <c>FROM</c> <paramref name="image"/>.</summary>
    public static BuildState FromImage(IImage image, string cacheKey)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new BuildState
        {
            Base = image.Config,
            MediaType = image.MediaType,
            Config = image.Config.Config ?? new ContainerConfig(),
            Layers = image.Layers,
            History = image.Config.History ?? [],
            Author = image.Config.Author,
            CacheKey = cacheKey,
        };
    }

    /// <summary>The state of <c>FROM scratch</c> for <paramref name="platform"/>: no layers, an empty config.</summary>
    public static BuildState Scratch(Platform platform, string cacheKey) => FromImage(Image.Empty(platform), cacheKey);

    /// <summary>This state with its container config edited and a history entry that adds no layer.</summary>
    public BuildState WithConfig(Func<ContainerConfig, ContainerConfig> edit, HistoryEntry history, string cacheKey) =>
        this with { Config = edit(Config), History = [.. History, history with { EmptyLayer = true }], CacheKey = cacheKey };

    /// <summary>This state with one more layer on top and the history entry that says how it was made.</summary>
    public BuildState WithLayer(ILayer layer, HistoryEntry history, string cacheKey) =>
        this with { Layers = [.. Layers, layer], History = [.. History, history with { EmptyLayer = null }], CacheKey = cacheKey };

    /// <summary>This state with a history entry for a step that changed no file (a RUN that wrote nothing).</summary>
    public BuildState WithEmptyStep(HistoryEntry history, string cacheKey) =>
        this with { History = [.. History, history with { EmptyLayer = true }], CacheKey = cacheKey };

    /// <summary>The image of this state, created at <paramref name="created"/>.</summary>
    public IImage ToImage(DateTimeOffset? created)
    {
        var config = Base with
        {
            Created = created,
            Author = Author,
            Config = Config,
            RootFs = new RootFs { DiffIds = [.. Layers.Select(l => l.DiffId)] },
            History = History,
        };
        return Image.FromParts(MediaType, config, Layers);
    }
}
