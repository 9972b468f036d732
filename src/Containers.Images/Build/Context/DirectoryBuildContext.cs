using Containers.Errors;

namespace Containers.Images.Build.Context;

/// <summary>A build context that is a directory of this host, with the <c>.dockerignore</c> that hides some of its files.</summary>
public sealed class DirectoryBuildContext : IBuildContext
{
    /// <param name="directory">The context's root.</param>
    /// <param name="ignore">What is hidden; null hides nothing.</param>
    /// <exception cref="NotFoundException">The directory does not exist.</exception>
    public DirectoryBuildContext(string directory, DockerIgnore? ignore = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(Directory))
        {
            throw new NotFoundException($"build context \"{directory}\" is not a directory; give the directory whose files the Dockerfile copies");
        }

        Ignore = ignore ?? DockerIgnore.Empty;
    }

    public string Directory { get; }

    /// <summary>The ignore rules.</summary>
    public DockerIgnore Ignore { get; }

    /// <summary>The context at <paramref name="directory"/> with the ignore file BuildKit would pick for <paramref name="dockerfilePath"/>.</summary>
    public static async Task<DirectoryBuildContext> OpenAsync(string directory, string? dockerfilePath = null, CancellationToken cancellationToken = default)
    {
        var context = new DirectoryBuildContext(directory);
        return new DirectoryBuildContext(context.Directory, await DockerIgnore.LoadAsync(context.Directory, dockerfilePath, cancellationToken).ConfigureAwait(false));
    }

    public bool IsExcluded(string relativePath) => Ignore.Matches(relativePath);

    public bool CanSkipDirectory(string relativePath) => Ignore.CanSkipDirectory(relativePath);
}
