using Containers.Errors;

namespace Containers.Images.Build.Context;

/// <summary>A build context that is a directory of this host, with an optional rule for what its <c>.dockerignore</c> hides.</summary>
public sealed class DirectoryBuildContext : IBuildContext
{
    private readonly Func<string, bool>? _excluded;

    /// <param name="directory">The context's root.</param>
    /// <param name="excluded">Whether a relative path is hidden; null hides nothing.</param>
    /// <exception cref="NotFoundException">The directory does not exist.</exception>
    public DirectoryBuildContext(string directory, Func<string, bool>? excluded = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(Directory))
        {
            throw new NotFoundException($"build context \"{directory}\" is not a directory; give the directory whose files the Dockerfile copies");
        }

        _excluded = excluded;
    }

    public string Directory { get; }

    public bool IsExcluded(string relativePath) => _excluded?.Invoke(relativePath) ?? false;
}
