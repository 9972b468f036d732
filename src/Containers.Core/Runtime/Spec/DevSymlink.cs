namespace Containers.Runtime.Spec;

/// <summary>A symlink the runtime makes in the container's <c>/dev</c>, such as <c>/dev/fd → /proc/self/fd</c>.</summary>
/// <param name="Path">The link, inside the container: <c>/dev/fd</c>.</param>
/// <param name="Target">What it points at: <c>/proc/self/fd</c>.</param>
public sealed record DevSymlink(string Path, string Target)
{
    /// <summary>
    /// A host path that must exist for the link to be made (runc makes <c>/dev/core</c> only when
    /// the kernel has <c>/proc/kcore</c>); null when the link is always made.
    /// </summary>
    public string? OnlyIfExists { get; init; }
}
