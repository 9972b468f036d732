using Containers.Errors;

namespace Containers.Images;

/// <summary>Choosing a manifest from an index.</summary>
public static class ImageIndexExtensions
{
    /// <summary>The first manifest whose platform runs on <paramref name="platform"/>, as Docker and containerd choose.</summary>
    public static Descriptor PickPlatform(this ImageIndex index, Platform platform, Digest? indexDigest = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(platform);
        var match = index.Manifests.FirstOrDefault(m => (m.MediaType.IsManifest || m.MediaType.IsIndex) && m.Platform is { } p && platform.Matches(p));
        if (match is not null)
        {
            return match;
        }

        // An index of one manifest with no platform (as some tools write) means "this one".
        var unlabeled = index.Manifests.Where(m => m.Platform is null && m.MediaType.IsManifest).ToList();
        if (unlabeled.Count == 1 && index.Manifests.Count == 1)
        {
            return unlabeled[0];
        }

        var offered = string.Join(", ", index.Manifests.Where(m => m.Platform is not null).Select(m => m.Platform!.ToString()));
        throw new NotFoundException(
            $"{(indexDigest is { } digest ? $"index {digest}" : "the index")} has no manifest for {platform}; it offers [{offered}]: choose one of those platforms");
    }
}
