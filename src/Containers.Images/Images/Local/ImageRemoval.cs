namespace Containers.Images;

/// <summary>What <c>docker rmi</c> reports: the names taken away and the blobs deleted with the image.</summary>
/// <param name="Untagged">The names removed.</param>
/// <param name="Deleted">The blobs deleted from the content store (config, manifest, layers no other image shares); empty when a name was only untagged.</param>
public sealed record ImageRemoval(IReadOnlyList<ImageReference> Untagged, IReadOnlyList<Digest> Deleted);
