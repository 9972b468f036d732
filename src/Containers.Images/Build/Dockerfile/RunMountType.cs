namespace Containers.Images.Build.Dockerfile;

/// <summary>The <c>type=</c> of a <c>RUN --mount</c>.</summary>
public enum RunMountType
{
    /// <summary>A read-only view of the context or of another stage or image (the default type).</summary>
    Bind,

    /// <summary>A directory kept between builds, keyed by <c>id</c> (default: the target).</summary>
    Cache,

    /// <summary>An empty tmpfs.</summary>
    Tmpfs,

    /// <summary>A secret file the build was given.</summary>
    Secret,

    /// <summary>An SSH agent socket the build was given.</summary>
    Ssh,
}
