using Containers.Errors;
using Containers.Images.Build.Cache;
using Containers.Images.Build.Context;
using Containers.Images.Build.Dockerfile;
using Containers.Images.Build.Execution;
using Containers.Images.Content;
using Containers.Images.Engine;
using Containers.Images.Layout;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Images.Build;

/// <summary>
/// <c>docker build</c> with no daemon: a Dockerfile's stages (only those the target needs) become
/// an image, RUN steps in containers of <paramref name="engine"/>'s runtime on its snapshotter,
/// COPY and ADD steps written straight into layers, each step through a cache under the engine's
/// root (<c>build-cache/</c>) so that a build with nothing changed does no work. The image goes to
/// <paramref name="images"/> (named by the tags), an OCI layout or an OCI archive. A failed build
/// leaves nothing: no container, mount, snapshot or directory of its own.
/// </summary>
/// <param name="engine">The engine whose runtime runs the steps and whose snapshotter holds the filesystems.</param>
/// <param name="images">The local images: base images come from here, built images and layers go here.</param>
/// <param name="registry">Pulls a base image the local store lacks, as <c>docker build</c> does; null: such a build fails, saying to pull first.</param>
public sealed partial class DockerfileBuilder(ContainerEngine engine, LocalImages images, Registry.RegistryClient? registry = null, TimeProvider? timeProvider = null, ILogger<DockerfileBuilder>? logger = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger<DockerfileBuilder>.Instance;

    /// <summary>Where the cache's records are.</summary>
    internal string CacheDirectory => Path.Combine(engine.RootDirectory, "build-cache", "records");

    /// <summary>
    /// Builds <paramref name="request"/>'s Dockerfile. Progress (each step's start, its output, and
    /// its end with whether the cache answered and how long it took) goes to <paramref name="progress"/>.
    /// </summary>
    /// <exception cref="DockerfileParseException">The Dockerfile is malformed; the message gives the line and column.</exception>
    /// <exception cref="BuildStepFailedException">A RUN failed; the message gives the line, the exit code and the command's last output.</exception>
    /// <exception cref="InvalidArgumentException">An instruction cannot be carried out; the message names its line.</exception>
    /// <exception cref="NotFoundException">The context, Dockerfile, a source, a stage or a base image is missing.</exception>
    public async Task<BuildResult> BuildAsync(BuildRequest request, IProgress<BuildProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tags = request.Tags.Select(ParseTag).ToList();
        if (request.Network is not (Engine.Networking.NetworkModes.None or Engine.Networking.NetworkModes.Host or Engine.Networking.NetworkModes.Bridge))
        {
            throw new InvalidArgumentException($"build network \"{request.Network}\" is not one of none, host and bridge");
        }

        var dockerfile = Path.GetFullPath(request.DockerfilePath ?? Path.Combine(request.ContextDirectory, "Dockerfile"));
        if (!File.Exists(dockerfile))
        {
            throw new NotFoundException($"Dockerfile \"{dockerfile}\" does not exist; give its path with -f");
        }

        var context = await DirectoryBuildContext.OpenAsync(request.ContextDirectory, dockerfile, cancellationToken).ConfigureAwait(false);
        var document = await DockerfileParser.ParseFileAsync(dockerfile, Path.GetFileName(dockerfile), cancellationToken).ConfigureAwait(false);
        var cache = new BuildCache(CacheDirectory, images.Content, images.Leases);
        var memo = Path.Combine(engine.RootDirectory, "build-cache", "file-hashes.json");
        await SourceHasher.LoadMemoAsync(memo, cancellationToken).ConfigureAwait(false);
        var filesystems = await BuildFilesystems.OpenAsync(engine.Snapshotter, Path.Combine(engine.RootDirectory, "builds"), cancellationToken).ConfigureAwait(false);
        var keep = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var session = new BuildSession(document, request, context, images, registry, engine, filesystems, cache, Path.Combine(engine.RootDirectory, "build-cache", "mounts"), progress, _time, _logger);
            // Every layer the build wrote is held by the cache's lease from the moment it is recorded, so no collection takes it before the image names it.
            var state = await session.BuildAsync(cancellationToken).ConfigureAwait(false);
            await SourceHasher.SaveMemoAsync(memo, cancellationToken).ConfigureAwait(false);
            var image = state.ToImage(_time.GetUtcNow());
            var named = await WriteOutputsAsync(image, tags, request.Outputs, cancellationToken).ConfigureAwait(false);
            foreach (var chain in Snapshots.ChainId.Compute([.. state.Layers.Select(l => l.DiffId)]))
            {
                keep.Add(chain.ToString());
            }

            Log.Built(_logger, image.Manifest.Config.Digest, session.Steps, session.CachedSteps, session.ContainersCreated);
            return new BuildResult
            {
                Image = image,
                Tags = named,
                Steps = session.Steps,
                CachedSteps = session.CachedSteps,
                ContainersCreated = session.ContainersCreated,
                LayersWritten = session.LayersWritten,
            };
        }
        finally
        {
            await filesystems.CleanUpAsync(keep).ConfigureAwait(false);
        }
    }

    /// <summary>Forgets the build cache: its records go, and its layers are left to the content store's collector.</summary>
    public Task PruneCacheAsync(CancellationToken cancellationToken = default) =>
        new BuildCache(CacheDirectory, images.Content, images.Leases).PruneAsync(cancellationToken);

    private static ImageReference ParseTag(string tag)
    {
        try
        {
            var reference = ImageReference.Parse(tag);
            return reference.Digest is null ? reference : throw new InvalidArgumentException($"tag \"{tag}\" has a digest; a built image is named by a tag");
        }
        catch (FormatException e)
        {
            throw new InvalidArgumentException($"tag \"{tag}\" is not a valid image name; use REPOSITORY[:TAG]", e);
        }
    }

    /// <summary>Writes the image where the outputs say (the local store when none is given); returns the names it got there.</summary>
    private async Task<IReadOnlyList<ImageReference>> WriteOutputsAsync(IImage image, List<ImageReference> tags, IReadOnlyList<BuildOutput> outputs, CancellationToken cancellationToken)
    {
        var named = new List<ImageReference>();
        foreach (var output in outputs.Count == 0 ? [BuildOutput.LocalStore] : outputs)
        {
            switch (output.Kind)
            {
                case BuildOutputKind.Image:
                    if (tags.Count == 0)
                    {
                        await images.AddAsync(image, null, cancellationToken).ConfigureAwait(false);
                    }

                    foreach (var tag in tags)
                    {
                        await images.AddAsync(image, tag, cancellationToken).ConfigureAwait(false);
                        named.Add(tag);
                    }

                    break;
                case BuildOutputKind.OciLayout:
                    var layout = await OciLayout.OpenOrCreateAsync(output.Destination!, cancellationToken).ConfigureAwait(false);
                    var descriptor = await ImageWriter.WriteAsync(layout.Blobs, image, cancellationToken).ConfigureAwait(false);
                    foreach (var tag in tags.Count == 0 ? [null] : tags.Cast<ImageReference?>())
                    {
                        // As BuildKit: ref.name is the tag, the full name goes in containerd's annotation.
                        var annotated = descriptor with
                        {
                            Platform = image.Config.Platform,
                            Annotations = tag is null ? null : new Dictionary<string, string>(StringComparer.Ordinal) { [ContainerdImageName] = tag.ToString() },
                        };
                        await layout.AddToIndexAsync(annotated, tag?.Tag, cancellationToken).ConfigureAwait(false);
                    }

                    layout.DeleteIngestDirectory();
                    break;
                case BuildOutputKind.OciArchive:
                    var entries = tags.Count == 0 ? [(image, (string?)null)] : tags.Select(t => (image, (string?)t.Tag)).DistinctBy(e => e.Item2).ToList();
                    await OciArchive.WriteAsync(output.Destination!, entries, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        return named;
    }

    private const string ContainerdImageName = "io.containerd.image.name";

    private static partial class Log
    {
        [LoggerMessage(EventId = 1710, Level = LogLevel.Information, Message = "Built image {ImageId}: {Steps} steps, {Cached} from the cache, {Containers} step containers")]
        public static partial void Built(ILogger logger, Digest imageId, int steps, int cached, int containers);
    }
}
