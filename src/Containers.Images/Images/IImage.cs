namespace Containers.Images;

/// <summary>
/// An immutable image: a manifest, its config and its layers. The raw bytes are the ones the
/// digests are taken of; the parsed forms are views of them. Mutations return new images.
/// </summary>
public interface IImage
{
    /// <summary>The manifest's media type (OCI or Docker schema 2).</summary>
    MediaType MediaType { get; }

    ImageManifest Manifest { get; }

    ReadOnlyMemory<byte> RawManifest { get; }

    /// <summary>The digest of <see cref="RawManifest"/>: the image's identity.</summary>
    Digest Digest { get; }

    ImageConfiguration Config { get; }

    ReadOnlyMemory<byte> RawConfig { get; }

    /// <summary>The layers, bottom first, in manifest order.</summary>
    IReadOnlyList<ILayer> Layers { get; }

    /// <summary>A descriptor of the manifest, for indexes and stores.</summary>
    Descriptor Descriptor => new() { MediaType = MediaType, Digest = Digest, Size = RawManifest.Length };
}
