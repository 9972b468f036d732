using Containers;
using Containers.Images;
using Containers.Images.Content;
using Containers.Images.Content.Local;
using Containers.Images.Engine;
using Containers.Images.Snapshots;
using Containers.Runtime;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the image side: the content store in its three roles, image names, leases and GC, <see cref="LocalImages"/> over them, and the snapshotter with its unpacker and GC.</summary>
public static class ContainerImagesServiceCollectionExtensions
{
    public static IServiceCollection AddContainerImages(this IServiceCollection services, Action<ContentStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddContainersCore();
        var options = services.AddOptions<ContentStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<LocalContentStore>(sp => new LocalContentStore(
            sp.GetRequiredService<IOptions<ContentStoreOptions>>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<LocalContentStore>>()));
        services.TryAddSingleton<IContentStore>(sp => sp.GetRequiredService<LocalContentStore>());
        services.TryAddSingleton<IContentProvider>(sp => sp.GetRequiredService<IContentStore>());
        services.TryAddSingleton<IContentIngester>(sp => sp.GetRequiredService<IContentStore>());
        services.TryAddSingleton<IContentManager>(sp => sp.GetRequiredService<IContentStore>());
        services.TryAddSingleton<IImageStore>(sp => new LocalImageStore(
            Path.Combine(StateRoot(sp), "images"), sp.GetService<TimeProvider>()));
        services.TryAddSingleton<ILeaseManager>(sp => new LocalLeaseManager(
            Path.Combine(StateRoot(sp), "leases"), sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => new ContentGarbageCollector(
            sp.GetRequiredService<IContentStore>(),
            sp.GetRequiredService<IImageStore>(),
            sp.GetRequiredService<ILeaseManager>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<ContentGarbageCollector>>()));
        services.TryAddSingleton(sp => new LocalImages(
            sp.GetRequiredService<IContentStore>(),
            sp.GetRequiredService<IImageStore>(),
            sp.GetRequiredService<ILeaseManager>(),
            sp.GetRequiredService<ContentGarbageCollector>(),
            Path.Combine(StateRoot(sp), "tmp"),
            sp.GetService<IImageUsage>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<LocalImages>>()));
        services.AddOptions<SnapshotterOptions>();
        services.TryAddSingleton<ISnapshotter>(sp => SnapshotterSelector.Select(
            sp.GetRequiredService<IOptions<SnapshotterOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger(typeof(SnapshotterSelector).FullName!)));
        services.TryAddSingleton(sp => new LayerUnpacker(logger: sp.GetService<ILogger<LayerUnpacker>>()));
        services.TryAddSingleton(sp => new SnapshotGarbageCollector(
            sp.GetRequiredService<ISnapshotter>(),
            sp.GetService<ILogger<SnapshotGarbageCollector>>()));
        return services;
    }

    /// <summary>
    /// Adds the <see cref="ContainerEngine"/> over the default <see cref="IContainerRuntime"/> and the
    /// <see cref="ISnapshotter"/>, with everything <see cref="AddContainerImages"/> and
    /// <c>AddContainerRuntime</c> register. Unless <see cref="SnapshotterOptions.Root"/> or
    /// <see cref="ContentStoreOptions.Root"/> is set, snapshots and images live in the engine's root,
    /// laid out as <see cref="LocalImages(string, IImageUsage?, TimeProvider?, ILoggerFactory?)"/> expects. The engine is the
    /// <see cref="IImageUsage"/> of <see cref="LocalImages"/>, so an image its containers use is not removed.
    /// </summary>
    public static IServiceCollection AddContainerEngine(this IServiceCollection services, Action<EngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddContainerImages();
        services.AddContainerRuntime();
        var options = services.AddOptions<EngineOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddOptions<SnapshotterOptions>().PostConfigure<IOptions<EngineOptions>>((snapshots, engine) =>
            snapshots.Root ??= Path.Combine(engine.Value.Root, "snapshots"));
        services.AddOptions<ContentStoreOptions>().PostConfigure<IOptions<EngineOptions>>((content, engine) =>
            content.Root ??= Path.Combine(engine.Value.Root, "content"));
        services.TryAddSingleton(sp => new ContainerEngine(
            sp.GetRequiredService<IOptions<EngineOptions>>().Value,
            sp.GetRequiredService<IContainerRuntime>(),
            sp.GetRequiredService<ISnapshotter>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<ContainerEngine>>()));
        services.TryAddSingleton<IImageUsage>(sp => new EngineImageUsage(sp.GetRequiredService<ContainerEngine>()));
        // The Dockerfile builder on the engine and the images; with AddContainerRegistry it pulls missing base images.
        services.TryAddSingleton(sp => new Containers.Images.Build.DockerfileBuilder(
            sp.GetRequiredService<ContainerEngine>(),
            sp.GetRequiredService<LocalImages>(),
            sp.GetService<Containers.Images.Registry.RegistryClient>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<Containers.Images.Build.DockerfileBuilder>>()));
        return services;
    }

    /// <summary>
    /// Everything a program that runs containers needs, as one call: the <see cref="ContainerEngine"/>
    /// with its <see cref="EngineOptions"/> (the root directory above all), its built-in runtime,
    /// snapshotter, content store and <see cref="LocalImages"/>, all under that root.
    /// </summary>
    public static IServiceCollection AddContainers(this IServiceCollection services, Action<EngineOptions>? configure = null) =>
        services.AddContainerEngine(configure);

    /// <summary>The engine as <see cref="IImageUsage"/>, in a wrapper the container does not dispose: the engine is disposed once, as itself.</summary>
    private sealed class EngineImageUsage(ContainerEngine engine) : IImageUsage
    {
        public ValueTask<IReadOnlyList<string>> ContainersUsingAsync(Digest manifest, CancellationToken cancellationToken = default) =>
            engine.ContainersUsingAsync(manifest, cancellationToken);
    }

    // Image names and leases live beside the content directory, under the same root.
    private static string StateRoot(IServiceProvider services) =>
        Path.GetDirectoryName(Path.GetFullPath(services.GetRequiredService<IOptions<ContentStoreOptions>>().Value.Root ?? ContainersPaths.Content))!;
}
