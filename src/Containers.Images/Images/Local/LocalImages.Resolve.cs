using System.Buffers;
using Containers.Errors;
using Containers.Images.Content;

namespace Containers.Images;

public sealed partial class LocalImages
{
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary>Finds an image as <see cref="ResolveAsync"/> describes: by name, by ID (prefix), or by <c>name@digest</c>.</summary>
    private async ValueTask<Found> FindAsync(string reference, Platform? platform, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        if (reference.StartsWith(IdPrefix, StringComparison.Ordinal))
        {
            return await ByIdAsync(reference, reference[IdPrefix.Length..], platform, cancellationToken).ConfigureAwait(false)
                ?? throw NotFound(reference);
        }

        if (ImageReference.TryParse(reference, out var name))
        {
            if (name.Digest is { } digest)
            {
                return await ByDigestAsync(name, digest, platform, cancellationToken).ConfigureAwait(false)
                    ?? throw NotFound(reference);
            }

            if (await TryGetAsync(name, cancellationToken).ConfigureAwait(false) is { } record)
            {
                return new Found(record.Target, await LoadAsync(record.Target, platform, cancellationToken).ConfigureAwait(false), name);
            }
        }
        else if (!IsIdPrefix(reference))
        {
            // Neither a name nor an ID: say what is wrong with it as a name.
            ImageReference.Parse(reference);
        }

        return (IsIdPrefix(reference) ? await ByIdAsync(reference, reference, platform, cancellationToken).ConfigureAwait(false) : null)
            ?? throw NotFound(reference);
    }

    private static bool IsIdPrefix(string text) =>
        text.Length is >= MinIdPrefixLength and <= 64 && !text.AsSpan().ContainsAnyExcept(LowerHex);

    private static NotFoundException NotFound(string reference) =>
        new($"image \"{reference}\" is not in the local store; pull it, load it from an archive (load), import a rootfs tarball (import), build it, or commit a container to it");

    /// <summary>The image whose ID starts with <paramref name="prefix"/>; null when none does.</summary>
    private async ValueTask<Found?> ByIdAsync(string reference, string prefix, Platform? platform, CancellationToken cancellationToken)
    {
        if (!IsIdPrefix(prefix))
        {
            throw new InvalidArgumentException($"\"{reference}\" is not an image ID: give at least {MinIdPrefixLength} and at most 64 lowercase hex digits, optionally after sha256:");
        }

        var matches = (await ScanAsync(platform, cancellationToken).ConfigureAwait(false))
            .Where(i => i.Image.Manifest.Config.Digest.Hex.StartsWith(prefix, StringComparison.Ordinal))
            .ToList();
        var ids = matches.Select(m => m.Image.Manifest.Config.Digest).Distinct().ToList();
        if (ids.Count > 1)
        {
            throw new InvalidArgumentException(
                $"\"{reference}\" is the start of more than one image ID ({string.Join(", ", ids.Select(id => id.Hex[..12]))}); give more of the ID");
        }

        // One ID may be stored under two manifests (Docker and OCI media types); either will do, the first named most.
        return matches.OrderByDescending(m => m.Names.Count(n => !IsDangling(n))).Select(m => new Found(m.Target, m.Image, null)).FirstOrDefault();
    }

    /// <summary>The image of <paramref name="name"/>'s repository whose manifest (or index) has <paramref name="digest"/>.</summary>
    private async ValueTask<Found?> ByDigestAsync(ImageReference name, Digest digest, Platform? platform, CancellationToken cancellationToken)
    {
        foreach (var (recordName, record) in await RecordsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!string.Equals(recordName.Name, name.Name, StringComparison.Ordinal)
                || await ManifestInAsync(record.Target, digest, cancellationToken).ConfigureAwait(false) is not { } descriptor)
            {
                continue;
            }

            var image = descriptor.Digest == record.Target.Digest
                ? await LoadAsync(record.Target, platform, cancellationToken).ConfigureAwait(false)
                : await ImageLoader.LoadImageAsync(Content, descriptor, cancellationToken).ConfigureAwait(false);
            return new Found(record.Target, image, recordName == name ? name : null);
        }

        return null;
    }

    /// <summary><paramref name="target"/> itself if it has <paramref name="digest"/>, or the manifest of that digest in the index it is.</summary>
    private async ValueTask<Descriptor?> ManifestInAsync(Descriptor target, Digest digest, CancellationToken cancellationToken)
    {
        if (target.Digest == digest)
        {
            return target;
        }

        if (!target.MediaType.IsIndex)
        {
            return null;
        }

        try
        {
            var (children, _) = await ContentTree.LinksAsync(Content, target, cancellationToken).ConfigureAwait(false);
            return children.FirstOrDefault(c => c.Digest == digest && c.MediaType.IsManifest);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    private async ValueTask<ImageRecord?> TryGetAsync(ImageReference name, CancellationToken cancellationToken)
    {
        try
        {
            return await Names.GetAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    private ValueTask<IImage> LoadAsync(Descriptor target, Platform? platform, CancellationToken cancellationToken) =>
        ImageLoader.LoadImageForPlatformAsync(Content, target, platform, cancellationToken);

    /// <summary>Every name with its record.</summary>
    private async ValueTask<List<(ImageReference Name, ImageRecord Record)>> RecordsAsync(CancellationToken cancellationToken)
    {
        var records = new List<(ImageReference, ImageRecord)>();
        await foreach (var record in Names.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (ImageReference.TryParse(record.Name, out var name))
            {
                records.Add((name, record));
            }
        }

        return records;
    }

    /// <summary>
    /// Every image the names reach, once each, with all its names. An image that cannot be opened
    /// (blobs missing, no manifest for the platform) is left out and logged: one broken image must
    /// not hide the others.
    /// </summary>
    private async ValueTask<List<StoredImage>> ScanAsync(Platform? platform, CancellationToken cancellationToken)
    {
        var images = new List<StoredImage>();
        foreach (var group in (await RecordsAsync(cancellationToken).ConfigureAwait(false)).GroupBy(r => r.Record.Target.Digest))
        {
            var target = group.First().Record.Target;
            try
            {
                images.Add(new StoredImage(target, [.. group.Select(r => r.Name)], await LoadAsync(target, platform, cancellationToken).ConfigureAwait(false)));
            }
            catch (Exception e) when (e is NotFoundException or InvalidArgumentException or DigestMismatchException)
            {
                LogUnreadable(_logger, target.Digest, string.Join(", ", group.Select(r => r.Name)), e.Message);
            }
        }

        return images;
    }

    /// <summary>An image found for a reference: what the names point at, the image for the platform, and the name it was found by (if by one).</summary>
    private sealed record Found(Descriptor Target, IImage Image, ImageReference? Name);

    /// <summary>An image of the store and every name that points at it.</summary>
    private sealed record StoredImage(Descriptor Target, IReadOnlyList<ImageReference> Names, IImage Image);
}
