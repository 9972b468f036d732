using Containers.Errors;

namespace Containers.Images;

/// <summary>
/// Checks every invariant of an image, in the spirit of go-containerregistry's validate package:
/// the manifest's and config's digests and sizes, media types that belong together, one DiffID per
/// layer, and, when asked, every layer's compressed digest, size and uncompressed DiffID.
/// </summary>
public static class ImageValidator
{
    public static async ValueTask<IReadOnlyList<string>> ValidateAsync(IImage image, bool verifyLayers = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var problems = new List<string>();
        var manifest = image.Manifest;
        var mediaType = image.MediaType;

        if (!mediaType.IsManifest)
        {
            problems.Add($"manifest media type \"{mediaType}\" is not an image manifest type");
        }

        if (manifest.MediaType is { } declared && declared != mediaType)
        {
            problems.Add($"manifest declares media type \"{declared}\" but the image says \"{mediaType}\"");
        }

        if (Digest.Compute(image.RawManifest.Span, image.Digest.Algorithm) != image.Digest)
        {
            problems.Add($"manifest bytes do not hash to the image digest {image.Digest}");
        }

        var rawConfig = image.RawConfig.Span;
        if (manifest.Config.Size != rawConfig.Length)
        {
            problems.Add($"config descriptor says {manifest.Config.Size} bytes but the config is {rawConfig.Length}");
        }

        if (!manifest.Config.Digest.Matches(rawConfig))
        {
            problems.Add($"config bytes do not hash to {manifest.Config.Digest}");
        }

        if (!manifest.Config.MediaType.IsConfig)
        {
            problems.Add($"config media type \"{manifest.Config.MediaType}\" is not an image config type");
        }
        else if (mediaType.IsManifest && manifest.Config.MediaType.IsDocker != mediaType.IsDocker)
        {
            problems.Add($"config media type \"{manifest.Config.MediaType}\" mixes OCI and Docker with manifest type \"{mediaType}\"");
        }

        var diffIds = image.Config.RootFs.DiffIds;
        if (diffIds.Count != manifest.Layers.Count)
        {
            problems.Add($"{manifest.Layers.Count} layers but {diffIds.Count} diff_ids in the config");
        }

        if (image.Layers.Count != manifest.Layers.Count)
        {
            problems.Add($"{manifest.Layers.Count} layers in the manifest but {image.Layers.Count} layer objects");
        }

        var emptyHistory = image.Config.History?.Count(h => h.EmptyLayer != true);
        if (emptyHistory is { } nonEmpty && image.Config.History!.Count > 0 && nonEmpty != manifest.Layers.Count)
        {
            problems.Add($"history has {nonEmpty} entries that add a layer, but there are {manifest.Layers.Count} layers");
        }

        for (var i = 0; i < Math.Min(manifest.Layers.Count, image.Layers.Count); i++)
        {
            var descriptor = manifest.Layers[i];
            var layer = image.Layers[i];
            if (!descriptor.MediaType.IsLayer)
            {
                problems.Add($"layer {i} ({descriptor.Digest.ToShortString()}) has media type \"{descriptor.MediaType}\", which is not a layer type");
                continue;
            }

            if (descriptor.MediaType.IsDocker != mediaType.IsDocker)
            {
                problems.Add($"layer {i} media type \"{descriptor.MediaType}\" mixes OCI and Docker with manifest type \"{mediaType}\"");
            }

            if (layer.Digest != descriptor.Digest || layer.Size != descriptor.Size)
            {
                problems.Add($"layer {i} object ({layer.Digest.ToShortString()}, {layer.Size} bytes) disagrees with its descriptor ({descriptor.Digest.ToShortString()}, {descriptor.Size} bytes)");
            }

            if (i < diffIds.Count && layer.DiffId != diffIds[i])
            {
                problems.Add($"layer {i} DiffID {layer.DiffId.ToShortString()} disagrees with the config's {diffIds[i].ToShortString()}");
            }

            if (verifyLayers)
            {
                await VerifyLayerAsync(i, layer, i < diffIds.Count ? diffIds[i] : layer.DiffId, problems, cancellationToken).ConfigureAwait(false);
            }
        }

        return problems;
    }

    /// <summary>Validates and throws one error listing every problem found.</summary>
    public static async ValueTask ThrowIfInvalidAsync(IImage image, bool verifyLayers = true, CancellationToken cancellationToken = default)
    {
        var problems = await ValidateAsync(image, verifyLayers, cancellationToken).ConfigureAwait(false);
        if (problems.Count > 0)
        {
            throw new InvalidArgumentException($"image {image.Digest} is invalid: {string.Join("; ", problems)}");
        }
    }

    private static async ValueTask VerifyLayerAsync(int i, ILayer layer, Digest expectedDiffId, List<string> problems, CancellationToken cancellationToken)
    {
        try
        {
            // The compressed stream verifies the blob digest and size itself.
            var stream = await layer.OpenUncompressedAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var diffId = await Digest.ComputeAsync(stream, expectedDiffId.IsEmpty ? null : expectedDiffId.Algorithm, cancellationToken).ConfigureAwait(false);
                if (diffId != expectedDiffId)
                {
                    problems.Add($"layer {i} ({layer.Digest.ToShortString()}) uncompresses to {diffId}, not the DiffID {expectedDiffId}");
                }
            }
        }
        catch (DigestMismatchException e)
        {
            problems.Add($"layer {i}: {e.Message}");
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotFoundException or ZstdSharp.ZstdException)
        {
            problems.Add($"layer {i} ({layer.Digest.ToShortString()}) cannot be read: {e.Message}");
        }

    }
}
