namespace Containers.Images;

/// <summary>One row of <c>docker images</c> (and <c>docker images --digests</c>): a name and the image it points at.</summary>
public sealed record ImageSummary
{
    /// <summary>The name; null for an image that has none left (Docker's <c>&lt;none&gt;:&lt;none&gt;</c>).</summary>
    public ImageReference? Reference { get; init; }

    /// <summary>The repository in Docker's short form (<c>busybox</c>, <c>localhost:5000/app</c>); null for an image without a name.</summary>
    public string? Repository => Reference?.ToFamiliarName();

    /// <summary>The tag; null for an image without a name, or one named by digest only.</summary>
    public string? Tag => Reference?.Tag;

    /// <summary>The image ID, as Docker shows it: the digest of the image's config.</summary>
    public required Digest ImageId { get; init; }

    /// <summary>The digest of what the name points at: the manifest, or the index of a multi-platform image.</summary>
    public required Digest ManifestDigest { get; init; }

    /// <summary>When the image says it was made; null when its config does not say.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>
    /// The bytes of the image's blobs in the store (layers as stored, usually compressed, plus the
    /// config and manifest), as containerd reports an image's content size.
    /// </summary>
    public required long Size { get; init; }
}
