namespace Containers.Images.Registry;

/// <summary>A manifest or index to push, with what the referrers fallback needs to know of it.</summary>
/// <param name="Descriptor">The document's descriptor (as it is named in its parent, or the pushed root).</param>
/// <param name="Bytes">The exact bytes.</param>
/// <param name="Subject">The image the document is about, if any.</param>
/// <param name="ArtifactType">Its artifact type (for a manifest without one, its config's media type).</param>
/// <param name="Annotations">Its annotations.</param>
internal sealed record PushDocument(Descriptor Descriptor, byte[] Bytes, Descriptor? Subject, string? ArtifactType, IReadOnlyDictionary<string, string>? Annotations);
