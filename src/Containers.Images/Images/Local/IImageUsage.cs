namespace Containers.Images;

/// <summary>
/// Which containers were made from an image, so that removing the image refuses to take it from
/// under them (as <c>docker rmi</c> does without <c>--force</c>). The container engine implements it.
/// </summary>
public interface IImageUsage
{
    /// <summary>The ids of the containers made from the image whose manifest has digest <paramref name="manifest"/>.</summary>
    ValueTask<IReadOnlyList<string>> ContainersUsingAsync(Digest manifest, CancellationToken cancellationToken = default);
}
