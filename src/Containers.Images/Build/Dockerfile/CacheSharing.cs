namespace Containers.Images.Build.Dockerfile;

/// <summary>How concurrent builds share a <c>type=cache</c> mount (<c>sharing=</c>).</summary>
public enum CacheSharing
{
    /// <summary>Several writers use it at once (the default).</summary>
    Shared,

    /// <summary>A second user gets a fresh directory.</summary>
    Private,

    /// <summary>A second user waits for the first to release it.</summary>
    Locked,
}
