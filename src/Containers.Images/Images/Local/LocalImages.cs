using Containers.Errors;
using Containers.Images.Content;
using Containers.Images.Content.Local;
using Containers.Images.Layers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Images;

/// <summary>
/// The images a user of <c>docker images</c> sees: names (<see cref="IImageStore"/>) over blobs
/// (<see cref="IContentStore"/>). An image is found by name (<c>busybox</c> is
/// <c>docker.io/library/busybox:latest</c>), by image ID (the config digest, whole or a unique
/// prefix of at least four hex digits, <c>sha256:</c> optional) or by manifest digest
/// (<c>busybox@sha256:…</c>). Removing the last name of an image deletes its blobs through
/// <see cref="ContentGarbageCollector"/>, unless a container uses it (<see cref="IImageUsage"/>).
/// </summary>
/// <remarks>
/// The store keeps only named images, as containerd does. An image that loses its last name
/// while still wanted (a tag moved to a newer image, an unnamed commit, import or load) keeps a
/// placeholder name in the reserved registry <c>dangling.invalid</c>, as Docker's containerd
/// store keeps <c>moby-dangling@…</c>; it is listed as <c>&lt;none&gt;</c> and goes with
/// <see cref="PruneAsync"/> or <see cref="RemoveAsync"/>. Blobs being written are held by a lease
/// until their name is set, so a garbage collection meanwhile cannot take them.
/// </remarks>
public sealed partial class LocalImages
{
    private const string DanglingRegistry = "dangling.invalid";
    private const string IdPrefix = "sha256:";
    private const int MinIdPrefixLength = 4;
    private static readonly TimeSpan LeaseLifetime = TimeSpan.FromHours(6);

    private readonly ILeaseManager _leases;
    private readonly ContentGarbageCollector _collector;
    private readonly IImageUsage? _usage;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>
    /// Local images under <paramref name="root"/> laid out as <see cref="Microsoft.Extensions.DependencyInjection.ContainerImagesServiceCollectionExtensions.AddContainerImages"/>
    /// lays them out: blobs in <c>content/</c>, names in <c>images/</c>, leases in <c>leases/</c>,
    /// and staging files in <c>tmp/</c>.
    /// </summary>
    /// <param name="usage">Who uses images (the container engine on the same root); null when no containers are run.</param>
    public LocalImages(string root, IImageUsage? usage = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(StoreParts.Open(root, timeProvider, loggerFactory), usage, timeProvider, loggerFactory?.CreateLogger<LocalImages>())
    {
    }

    /// <param name="content">The blobs.</param>
    /// <param name="names">The image names; every name is a root for <paramref name="collector"/>.</param>
    /// <param name="leases">The leases <paramref name="collector"/> honours.</param>
    /// <param name="collector">Deletes the blobs no name or lease reaches.</param>
    /// <param name="temporaryDirectory">Where imports, commits and loads stage files; best on the content store's filesystem.</param>
    /// <param name="usage">Who uses images; null when no containers are run.</param>
    public LocalImages(
        IContentStore content,
        IImageStore names,
        ILeaseManager leases,
        ContentGarbageCollector collector,
        string temporaryDirectory,
        IImageUsage? usage = null,
        TimeProvider? timeProvider = null,
        ILogger<LocalImages>? logger = null)
    {
        Content = content ?? throw new ArgumentNullException(nameof(content));
        Names = names ?? throw new ArgumentNullException(nameof(names));
        _leases = leases ?? throw new ArgumentNullException(nameof(leases));
        _collector = collector ?? throw new ArgumentNullException(nameof(collector));
        ArgumentException.ThrowIfNullOrEmpty(temporaryDirectory);
        TemporaryDirectory = Path.GetFullPath(temporaryDirectory);
        _usage = usage;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<LocalImages>.Instance;
    }

    private LocalImages(StoreParts parts, IImageUsage? usage, TimeProvider? timeProvider, ILogger<LocalImages>? logger)
        : this(parts.Content, parts.Names, parts.Leases, parts.Collector, parts.Temporary, usage, timeProvider, logger)
    {
    }

    /// <summary>The blobs of the images.</summary>
    public IContentStore Content { get; }

    /// <summary>The names of the images.</summary>
    public IImageStore Names { get; }

    /// <summary>The leases the store's collector honours (a build holds its layers with one).</summary>
    internal ILeaseManager Leases => _leases;

    /// <summary>Where imports, commits and loads stage their files before the blobs go into <see cref="Content"/>.</summary>
    public string TemporaryDirectory { get; }

    /// <summary>
    /// The image <paramref name="reference"/> names: a name, an image ID (or a unique prefix of one)
    /// or <c>name@sha256:…</c>. A multi-platform image gives the manifest for
    /// <paramref name="platform"/> (this machine's by default).
    /// </summary>
    /// <exception cref="NotFoundException">No local image answers to <paramref name="reference"/>.</exception>
    /// <exception cref="InvalidArgumentException">The reference is malformed, or an ID prefix fits more than one image.</exception>
    public async ValueTask<IImage> ResolveAsync(string reference, Platform? platform = null, CancellationToken cancellationToken = default) =>
        (await FindAsync(reference, platform, cancellationToken).ConfigureAwait(false)).Image;

    /// <summary>
    /// Writes <paramref name="image"/>'s blobs into the store and points <paramref name="tag"/> at it.
    /// An image the tag pointed at before, and has no other name, is kept without a name. With no
    /// tag, the image is kept without a name unless it has one already.
    /// </summary>
    /// <returns>The descriptor of the stored manifest.</returns>
    public async ValueTask<Descriptor> AddAsync(IImage image, ImageReference? tag = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        CheckTag(tag);
        var lease = await HoldAsync([.. image.Layers.Select(l => l.Digest), image.Manifest.Config.Digest, image.Digest], cancellationToken).ConfigureAwait(false);
        try
        {
            var descriptor = await ImageWriter.WriteAsync(Content, image, cancellationToken).ConfigureAwait(false);
            await NameAsync(descriptor, tag, cancellationToken).ConfigureAwait(false);
            LogAdded(_logger, descriptor.Digest, tag);
            return descriptor;
        }
        finally
        {
            await _leases.DeleteAsync(lease, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Gives the image <paramref name="source"/> names the name <paramref name="target"/> too (<c>docker tag</c>).</summary>
    /// <returns>The normalized new name.</returns>
    public async ValueTask<ImageReference> TagAsync(string source, string target, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        var found = await FindAsync(source, null, cancellationToken).ConfigureAwait(false);
        var name = ImageReference.Parse(target);
        CheckTag(name);
        await NameAsync(found.Target, name, cancellationToken).ConfigureAwait(false);
        return name;
    }

    /// <summary>
    /// <c>docker rmi</c>: given a name the image has others besides, only that name goes. Otherwise
    /// every name of the image goes and its blobs are deleted, unless other images share them.
    /// </summary>
    /// <param name="force">Remove even an image that containers use, or that an ID names in several repositories.</param>
    /// <exception cref="ConflictException">A container uses the image, or the ID names it in several repositories, and <paramref name="force"/> is false.</exception>
    public async ValueTask<ImageRemoval> RemoveAsync(string reference, bool force = false, CancellationToken cancellationToken = default)
    {
        var found = await FindAsync(reference, null, cancellationToken).ConfigureAwait(false);
        var names = (await RecordsAsync(cancellationToken).ConfigureAwait(false))
            .Where(r => r.Record.Target.Digest == found.Target.Digest)
            .Select(r => r.Name)
            .ToList();
        if (found.Name is { } byName && names.Count(n => !IsDangling(n)) > 1)
        {
            // Other names keep the image: only this one goes.
            await Names.DeleteAsync(byName, cancellationToken).ConfigureAwait(false);
            LogUntagged(_logger, byName);
            return new ImageRemoval([byName], []);
        }

        var repositories = names.Where(n => !IsDangling(n)).Select(n => n.Name).Distinct(StringComparer.Ordinal).ToList();
        if (found.Name is null && repositories.Count > 1 && !force)
        {
            throw new ConflictException(
                $"image {ShortId(found.Image)} is named in several repositories ({string.Join(", ", names.Where(n => !IsDangling(n)).Select(n => n.ToFamiliarString()))}); remove it by name, or force the removal");
        }

        var users = await UsersAsync(found, cancellationToken).ConfigureAwait(false);
        if (users.Count > 0 && !force)
        {
            throw new ConflictException(
                $"image \"{reference}\" ({ShortId(found.Image)}) is used by container {string.Join(", ", users.Select(u => u.Length > 12 ? u[..12] : u))}; remove the container first, or force the removal");
        }

        var blobs = await BlobsAsync(found.Target, cancellationToken).ConfigureAwait(false);
        foreach (var name in names)
        {
            await DeleteNameAsync(name, cancellationToken).ConfigureAwait(false);
        }

        var collected = await _collector.CollectAsync(cancellationToken).ConfigureAwait(false);
        var removed = collected.Removed.ToHashSet();
        var deleted = blobs.Where(removed.Contains).ToList();
        LogRemoved(_logger, found.Target.Digest, deleted.Count);
        return new ImageRemoval([.. names.Where(n => !IsDangling(n))], deleted);
    }

    /// <summary>Removes the images without a name that no container uses, and deletes the blobs nothing else reaches (<c>docker image prune</c>).</summary>
    public async ValueTask<ImageRemoval> PruneAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (name, record) in await RecordsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (IsDangling(name) && (_usage is null || (await _usage.ContainersUsingAsync(record.Target.Digest, cancellationToken).ConfigureAwait(false)).Count == 0))
            {
                await DeleteNameAsync(name, cancellationToken).ConfigureAwait(false);
            }
        }

        var collected = await _collector.CollectAsync(cancellationToken).ConfigureAwait(false);
        return new ImageRemoval([], collected.Removed);
    }

    /// <summary>
    /// Every name with its image, newest image first, as <c>docker images --digests</c> lists
    /// them; an image without a name is one row with a null <see cref="ImageSummary.Reference"/>.
    /// </summary>
    public async ValueTask<IReadOnlyList<ImageSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        var rows = new List<ImageSummary>();
        foreach (var image in await ScanAsync(null, cancellationToken).ConfigureAwait(false))
        {
            var size = image.Image.RawManifest.Length + image.Image.Manifest.Config.Size + image.Image.Layers.Sum(l => l.Size)
                + (image.Target.Digest == image.Image.Digest ? 0 : image.Target.Size);
            var named = image.Names.Where(n => !IsDangling(n)).ToList();
            foreach (var name in named.Count == 0 ? [null] : named.Cast<ImageReference?>())
            {
                rows.Add(new ImageSummary
                {
                    Reference = name,
                    ImageId = image.Image.Manifest.Config.Digest,
                    ManifestDigest = image.Target.Digest,
                    Created = image.Image.Config.Created,
                    Size = size,
                });
            }
        }

        return [.. rows
            .OrderByDescending(r => r.Created ?? DateTimeOffset.MinValue)
            .ThenBy(r => r.Reference?.ToString() ?? string.Empty, StringComparer.Ordinal)];
    }

    /// <summary>
    /// <c>docker import</c>: the rootfs in <paramref name="path"/> (a tar archive, plain, gzip,
    /// bzip2 or zstd, or a directory) becomes a one-layer image named <paramref name="tag"/>.
    /// </summary>
    /// <returns>The stored image.</returns>
    /// <exception cref="NotFoundException"><paramref name="path"/> does not exist.</exception>
    /// <exception cref="InvalidArgumentException">The archive does not decompress, is not a tar, or has a path that leaves the root; or a change is not valid.</exception>
    public ValueTask<IImage> ImportAsync(string path, ImageReference? tag = null, ImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var compression = options?.Compression ?? LayerCompression.Gzip;
        if (Directory.Exists(path))
        {
            return ImportAsync(blob => TarballLayer.FromDirectoryAsync(path, blob, compression, cancellationToken), path, tag, options, cancellationToken);
        }

        if (File.Exists(path))
        {
            return ImportAsync(blob => TarballLayer.FromArchiveAsync(path, blob, compression, cancellationToken), path, tag, options, cancellationToken);
        }

        throw new NotFoundException($"\"{path}\" does not exist; give a tar archive (plain, gzip, bzip2 or zstd) or a directory to import");
    }

    /// <summary>As <see cref="ImportAsync(string, ImageReference?, ImportOptions?, CancellationToken)"/>, from a tar stream read once (<c>docker import -</c>); the stream is left open.</summary>
    public ValueTask<IImage> ImportAsync(Stream tarball, ImageReference? tag = null, ImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tarball);
        return ImportAsync(blob => TarballLayer.FromArchiveAsync(tarball, "-", blob, options?.Compression ?? LayerCompression.Gzip, cancellationToken), "-", tag, options, cancellationToken);
    }

    /// <summary>The image whose manifest has digest <paramref name="manifest"/>, if a name reaches it (directly or through an index); null otherwise.</summary>
    internal async ValueTask<IImage?> FindManifestAsync(Digest manifest, CancellationToken cancellationToken)
    {
        foreach (var (_, record) in await RecordsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await ManifestInAsync(record.Target, manifest, cancellationToken).ConfigureAwait(false) is { } descriptor)
            {
                return await ImageLoader.LoadImageAsync(Content, descriptor, cancellationToken).ConfigureAwait(false);
            }
        }

        return null;
    }

    /// <summary>A fresh path in <see cref="TemporaryDirectory"/> (which is made if missing).</summary>
    internal string TemporaryPath(string purpose)
    {
        Directory.CreateDirectory(TemporaryDirectory);
        return Path.Combine(TemporaryDirectory, $"{purpose}-{Guid.NewGuid():N}");
    }

    private static bool IsDangling(ImageReference name) => string.Equals(name.Registry, DanglingRegistry, StringComparison.Ordinal);

    private static ImageReference Dangling(Digest target) => ImageReference.Parse($"{DanglingRegistry}/image@{target}");

    private static string ShortId(IImage image) => image.Manifest.Config.Digest.Hex[..12];

    private static void CheckTag(ImageReference? tag)
    {
        if (tag is null)
        {
            return;
        }

        if (tag.Digest is not null)
        {
            throw new InvalidArgumentException($"\"{tag}\" has a digest; a tag names a repository and a tag, such as app:v1");
        }

        if (IsDangling(tag))
        {
            throw new InvalidArgumentException($"\"{tag}\" is in the registry {DanglingRegistry}, which is reserved for images without a name; choose another name");
        }
    }

    private async ValueTask<IImage> ImportAsync(Func<string, ValueTask<TarballLayer>> makeLayer, string source, ImageReference? tag, ImportOptions? options, CancellationToken cancellationToken)
    {
        CheckTag(tag);
        var blob = TemporaryPath("import");
        try
        {
            var layer = await makeLayer(blob).ConfigureAwait(false);
            var image = RootfsImage.Create(layer, source, options, _time.GetUtcNow());
            var descriptor = await AddAsync(image, tag, cancellationToken).ConfigureAwait(false);
            return await ImageLoader.LoadImageAsync(Content, descriptor, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(blob);
        }
    }

    /// <summary>Points <paramref name="tag"/> (or, with none, a placeholder) at <paramref name="target"/>, keeping what the tag pointed at before.</summary>
    private async ValueTask NameAsync(Descriptor target, ImageReference? tag, CancellationToken cancellationToken)
    {
        var records = await RecordsAsync(cancellationToken).ConfigureAwait(false);
        if (tag is null)
        {
            if (!records.Any(r => r.Record.Target.Digest == target.Digest))
            {
                await Names.SetAsync(Dangling(target.Digest), target, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var previous = records.FirstOrDefault(r => r.Name == tag).Record?.Target;
        await Names.SetAsync(tag, target, cancellationToken).ConfigureAwait(false);
        var placeholder = Dangling(target.Digest);
        if (records.Any(r => r.Name == placeholder))
        {
            await DeleteNameAsync(placeholder, cancellationToken).ConfigureAwait(false);
        }

        // As Docker does, the image the tag leaves stays, without a name, until it is pruned or removed.
        if (previous is not null && previous.Digest != target.Digest && !records.Any(r => r.Name != tag && r.Record.Target.Digest == previous.Digest))
        {
            await Names.SetAsync(Dangling(previous.Digest), previous, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask DeleteNameAsync(ImageReference name, CancellationToken cancellationToken)
    {
        try
        {
            await Names.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            // Gone meanwhile: what was wanted.
        }
    }

    /// <summary>A lease on <paramref name="digests"/> that outlives the work on them should the process die (it expires).</summary>
    private async ValueTask<string> HoldAsync(IEnumerable<Digest> digests, CancellationToken cancellationToken)
    {
        var id = $"local-images-{Guid.NewGuid():N}";
        await _leases.CreateAsync(id, LeaseLifetime, cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var digest in digests.Distinct())
            {
                await _leases.AddResourceAsync(id, digest, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await _leases.DeleteAsync(id, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return id;
    }

    private async ValueTask<IReadOnlyList<string>> UsersAsync(Found found, CancellationToken cancellationToken)
    {
        if (_usage is null)
        {
            return [];
        }

        var users = new List<string>(await _usage.ContainersUsingAsync(found.Target.Digest, cancellationToken).ConfigureAwait(false));
        if (found.Image.Digest != found.Target.Digest)
        {
            users.AddRange(await _usage.ContainersUsingAsync(found.Image.Digest, cancellationToken).ConfigureAwait(false));
        }

        return users;
    }

    /// <summary>The blobs of an image, root first, for reporting what a removal deleted; what is missing is left out.</summary>
    private async ValueTask<IReadOnlyList<Digest>> BlobsAsync(Descriptor target, CancellationToken cancellationToken)
    {
        try
        {
            return [.. (await ContentTree.CollectAsync(Content, target, cancellationToken).ConfigureAwait(false)).Select(d => d.Digest).Reverse()];
        }
        catch (NotFoundException)
        {
            return [target.Digest];
        }
    }

    /// <summary>The stores under one root, laid out as the DI registration lays them out.</summary>
    private sealed record StoreParts(IContentStore Content, IImageStore Names, ILeaseManager Leases, ContentGarbageCollector Collector, string Temporary)
    {
        public static StoreParts Open(string root, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
        {
            ArgumentException.ThrowIfNullOrEmpty(root);
            var content = new LocalContentStore(Path.Combine(root, "content"), timeProvider: timeProvider, logger: loggerFactory?.CreateLogger<LocalContentStore>());
            var names = new LocalImageStore(Path.Combine(root, "images"), timeProvider);
            var leases = new LocalLeaseManager(Path.Combine(root, "leases"), timeProvider);
            var collector = new ContentGarbageCollector(content, names, leases, timeProvider, loggerFactory?.CreateLogger<ContentGarbageCollector>());
            return new StoreParts(content, names, leases, collector, Path.Combine(root, "tmp"));
        }
    }
}
