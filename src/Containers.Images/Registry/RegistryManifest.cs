namespace Containers.Images.Registry;

/// <summary>A manifest or index as a registry served it: its descriptor, and the exact bytes its digest is of.</summary>
/// <param name="Descriptor">Media type, digest and size of <paramref name="Bytes"/>.</param>
/// <param name="Bytes">The document, verified against <see cref="Descriptor"/>.</param>
public sealed record RegistryManifest(Descriptor Descriptor, ReadOnlyMemory<byte> Bytes);
