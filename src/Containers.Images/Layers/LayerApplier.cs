using Containers.Errors;
using Containers.Images.Layers.Apply;
using Containers.Images.Layers.Tar;
using Containers.Linux;

namespace Containers.Images.Layers;

/// <summary>
/// Extracts layers onto directories, secure by construction: every path resolves inside the root
/// (openat2 RESOLVE_IN_ROOT), whiteouts remove only what lower layers left, every cap in
/// <see cref="LayerApplyOptions.Limits"/> holds, and the DiffID is computed in the same pass and
/// checked against what the image declares.
/// </summary>
public static class LayerApplier
{
    /// <summary>Applies a layer blob (gzip, zstd or plain tar, sniffed) onto <paramref name="root"/>.</summary>
    /// <param name="expectedDiffId">When given, a layer whose uncompressed bytes hash otherwise is refused.</param>
    /// <exception cref="InvalidArgumentException">An entry breaks a rule or a cap; the message names the entry.</exception>
    /// <exception cref="DigestMismatchException">The DiffID is not <paramref name="expectedDiffId"/>.</exception>
    public static async ValueTask<LayerApplyResult> ApplyAsync(Stream layer, string root, Digest? expectedDiffId = null, LayerApplyOptions? options = null, string? subject = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentException.ThrowIfNullOrEmpty(root);
        options ??= LayerApplyOptions.Default;
        subject ??= "layer";
        var tar = await Compression.OpenDecompressingDetectedAsync(layer, cancellationToken).ConfigureAwait(false);
        await using (tar.ConfigureAwait(false))
        {
            return await ApplyTarAsync(tar, root, expectedDiffId, options, subject, observer: null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Applies an image layer, verifying its digest as it is read and its DiffID at the end.</summary>
    public static ValueTask<LayerApplyResult> ApplyAsync(ILayer layer, string root, LayerApplyOptions? options = null, CancellationToken cancellationToken = default) =>
        ApplyAsync(layer, root, options, observer: null, cancellationToken);

    /// <summary>Applies an image layer, telling <paramref name="observer"/> what it removes from the layers below.</summary>
    internal static async ValueTask<LayerApplyResult> ApplyAsync(ILayer layer, string root, LayerApplyOptions? options, IRemovalObserver? observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var tar = await layer.OpenUncompressedAsync(cancellationToken).ConfigureAwait(false);
        await using (tar.ConfigureAwait(false))
        {
            return await ApplyTarAsync(tar, root, layer.DiffId, options ?? LayerApplyOptions.Default, $"layer {layer.Digest.ToShortString()}", observer, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Builds a rootfs at <paramref name="root"/> from an image's layers, bottom first, checking
    /// each DiffID against the image config. The tree is built beside <paramref name="root"/> and
    /// renamed into place, so a failure leaves nothing behind.
    /// </summary>
    /// <exception cref="AlreadyExistsException"><paramref name="root"/> already exists.</exception>
    public static async ValueTask<IReadOnlyList<LayerApplyResult>> ApplyImageAsync(IImage image, string root, LayerApplyOptions? options = null, IProgress<LayerApplyProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var declared = image.Config.RootFs.DiffIds;
        if (declared.Count != image.Layers.Count)
        {
            throw new InvalidArgumentException($"image {image.Digest.ToShortString()} has {image.Layers.Count} layers but its config declares {declared.Count} DiffIDs; the image is inconsistent");
        }

        for (var i = 0; i < declared.Count; i++)
        {
            if (image.Layers[i].DiffId != declared[i])
            {
                throw new DigestMismatchException($"layer {i} ({image.Layers[i].Digest.ToShortString()}) of image {image.Digest.ToShortString()} has DiffID {image.Layers[i].DiffId} but the config declares {declared[i]}", declared[i].ToString(), image.Layers[i].DiffId.ToString());
            }
        }

        return await ApplyStackAsync(image.Layers, root, options, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds a rootfs at <paramref name="root"/> (which must not exist) from layers, bottom first, all or nothing.</summary>
    public static async ValueTask<IReadOnlyList<LayerApplyResult>> ApplyStackAsync(IReadOnlyList<ILayer> layers, string root, LayerApplyOptions? options = null, IProgress<LayerApplyProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentException.ThrowIfNullOrEmpty(root);
        var target = Path.GetFullPath(root);
        if (Path.Exists(target))
        {
            throw new AlreadyExistsException($"rootfs \"{root}\" already exists; give a path that does not exist yet");
        }

        var staging = $"{target}.partial-{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        try
        {
            var results = new List<LayerApplyResult>(layers.Count);
            for (var i = 0; i < layers.Count; i++)
            {
                var result = await ApplyAsync(layers[i], staging, options, cancellationToken).ConfigureAwait(false);
                results.Add(result);
                progress?.Report(new LayerApplyProgress(i, layers.Count, layers[i].Digest, result));
            }

            Directory.Move(staging, target);
            return results;
        }
        catch
        {
            DeleteTree(staging);
            throw;
        }
    }

    private static async ValueTask<LayerApplyResult> ApplyTarAsync(Stream tar, string root, Digest? expectedDiffId, LayerApplyOptions options, string subject, IRemovalObserver? observer, CancellationToken cancellationToken)
    {
        using var hashing = new HashingReadStream(tar, leaveOpen: true);
        var ahead = new ReadAheadStream(hashing);
        await using var aheadScope = ahead.ConfigureAwait(false);
        using var rootHandle = PosixFs.OpenDirectory(root);
        using var extractor = new LayerExtractor(rootHandle, options, subject, observer);
        var reader = new TarReader(ahead, options.Limits with { Subject = subject }, leaveOpen: true);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.GetNextEntryAsync(cancellationToken).ConfigureAwait(false) is { } entry)
            {
                await extractor.ApplyAsync(reader, entry, cancellationToken).ConfigureAwait(false);
            }

            await reader.DrainAsync(cancellationToken).ConfigureAwait(false);
            extractor.Finish();
            var diffId = hashing.GetDigest();
            if (expectedDiffId is { } expected && expected != diffId)
            {
                throw new DigestMismatchException($"{subject} has DiffID {diffId} but {expected} was declared; the layer is corrupt or not the one the image names", expected.ToString(), diffId.ToString());
            }

            return new LayerApplyResult(diffId, reader.EntryCount, reader.BytesRead);
        }
    }

    /// <summary>rm -rf of a directory, never following a symlink inside it.</summary>
    internal static void DeleteTree(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        using var parent = PosixFs.OpenDirectory(Path.GetDirectoryName(path)!);
        LayerExtractor.RemoveTree(parent, Path.GetFileName(path));
    }
}
