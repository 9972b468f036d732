namespace Containers.Images.Layout;

/// <summary>One image of a <c>docker save</c> archive and the <c>repository:tag</c> names it carries there.</summary>
public sealed record DockerArchiveImage(IImage Image, IReadOnlyList<ImageReference> RepoTags);
