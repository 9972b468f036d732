namespace Containers.Images;

/// <summary>One image <c>docker load</c> brought in: <c>Loaded image: busybox:latest</c>, or <c>Loaded image ID: sha256:…</c> when the archive named it not.</summary>
/// <param name="Name">The name it was given, or null.</param>
/// <param name="ImageId">Its image ID (config digest).</param>
/// <param name="ManifestDigest">The digest of its manifest (or index).</param>
public sealed record LoadedImage(ImageReference? Name, Digest ImageId, Digest ManifestDigest);
