namespace Containers.Images.Build.Context;

/// <summary>
/// The files a build may COPY, ADD and bind-mount: a directory of this host and the
/// <c>.dockerignore</c> rules that hide some of them. Paths are relative to the context's root,
/// '/'-separated, with no leading slash.
/// </summary>
public interface IBuildContext
{
    /// <summary>The context's root directory on this host.</summary>
    string Directory { get; }

    /// <summary>Whether the ignore rules hide <paramref name="relativePath"/> (then COPY does not see it).</summary>
    bool IsExcluded(string relativePath);

    /// <summary>Whether the directory <paramref name="relativePath"/> is hidden with everything in it, so a walk need not enter it.</summary>
    bool CanSkipDirectory(string relativePath);
}
