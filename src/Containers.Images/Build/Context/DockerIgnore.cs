using System.Collections.Immutable;
using Containers.Errors;

namespace Containers.Images.Build.Context;

/// <summary>
/// A <c>.dockerignore</c>: which paths of the build context COPY and ADD never see. Lines are
/// patterns (see <see cref="DockerIgnorePattern"/>), <c>#</c> lines are comments, a <c>!</c>
/// line re-includes; the last pattern that matches a path, or one of its parent directories,
/// decides.
/// </summary>
public sealed class DockerIgnore
{
    /// <summary>The largest <c>.dockerignore</c> read, in bytes.</summary>
    public const int MaxBytes = 1024 * 1024;

    private DockerIgnore(ImmutableArray<DockerIgnorePattern> patterns)
    {
        Patterns = patterns;
        HasExclusions = patterns.Any(p => p.Exclusion);
    }

    /// <summary>Ignores nothing.</summary>
    public static DockerIgnore Empty { get; } = new([]);

    /// <summary>The patterns in file order.</summary>
    public ImmutableArray<DockerIgnorePattern> Patterns { get; }

    /// <summary>Whether any pattern re-includes (<c>!</c>); without one, an ignored directory is ignored whole.</summary>
    public bool HasExclusions { get; }

    /// <summary>Parses a <c>.dockerignore</c>'s text.</summary>
    /// <exception cref="InvalidArgumentException">A line is <c>!</c> alone or has a bad pattern; the message names the line.</exception>
    public static DockerIgnore Parse(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Length > MaxBytes)
        {
            throw new InvalidArgumentException($".dockerignore is {content.Length} characters; the limit is {MaxBytes}");
        }

        if (content.StartsWith('\uFEFF'))
        {
            content = content[1..];
        }

        var patterns = ImmutableArray.CreateBuilder<DockerIgnorePattern>();
        var number = 0;
        foreach (var line in content.Split('\n'))
        {
            number++;
            if (DockerIgnorePattern.ParseLine(line.TrimEnd('\r'), number) is { } pattern)
            {
                patterns.Add(pattern);
            }
        }

        return new DockerIgnore(patterns.ToImmutable());
    }

    /// <summary>
    /// The ignore file of a build, as BuildKit picks it: <c>&lt;Dockerfile&gt;.dockerignore</c> beside
    /// the Dockerfile when that exists, else <c>.dockerignore</c> at the context's root, else none.
    /// </summary>
    public static async Task<DockerIgnore> LoadAsync(string contextDirectory, string? dockerfilePath = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contextDirectory);
        var candidates = new List<string>(2);
        if (dockerfilePath is not null)
        {
            candidates.Add(dockerfilePath + ".dockerignore");
        }

        candidates.Add(Path.Combine(contextDirectory, ".dockerignore"));
        foreach (var candidate in candidates)
        {
            if (!File.Exists(candidate))
            {
                continue;
            }

            var info = new FileInfo(candidate);
            if (info.Length > MaxBytes)
            {
                throw new InvalidArgumentException($"{candidate} is {info.Length} bytes; the limit is {MaxBytes}");
            }

            return Parse(await File.ReadAllTextAsync(candidate, cancellationToken).ConfigureAwait(false));
        }

        return Empty;
    }

    /// <summary>
    /// Whether the path is ignored. <paramref name="relativePath"/> is relative to the context root,
    /// with <c>/</c> separators (a leading <c>/</c> or <c>./</c> is allowed); the root itself is never ignored.
    /// </summary>
    /// <param name="relativePath">The path inside the context.</param>
    /// <param name="isDirectory">Whether it is a directory (patterns match files and directories alike; a
    /// trailing <c>/</c> in a pattern is cleaned away, as in Docker).</param>
    public bool Matches(string relativePath, bool isDirectory = false)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        _ = isDirectory;
        var path = Normalize(relativePath);
        if (path is null || Patterns.IsEmpty)
        {
            return false;
        }

        var ancestors = Ancestors(path);
        var matched = false;
        foreach (var pattern in Patterns)
        {
            // A pattern that would not change the answer need not be tried.
            if (pattern.Exclusion != matched)
            {
                continue;
            }

            if (pattern.IsMatch(path) || ancestors.Any(pattern.IsMatch))
            {
                matched = !pattern.Exclusion;
            }
        }

        return matched;
    }

    /// <summary>
    /// Whether a context walker may skip the directory and all below it: it is ignored, and no
    /// <c>!</c> pattern could re-include anything inside it.
    /// </summary>
    public bool CanSkipDirectory(string relativePath)
    {
        if (!Matches(relativePath, isDirectory: true))
        {
            return false;
        }

        if (!HasExclusions)
        {
            return true;
        }

        var segments = Normalize(relativePath)!.Split('/');
        return !Patterns.Any(p => p.Exclusion && CouldMatchInside(p, segments));
    }

    // Whether the pattern could match a path strictly inside the directory: its leading segments
    // match the directory's, and it has more segments, or a ** that may span any number.
    private static bool CouldMatchInside(DockerIgnorePattern pattern, string[] directory)
    {
        var patternSegments = pattern.Segments;
        for (var i = 0; i < directory.Length; i++)
        {
            if (i >= patternSegments.Length)
            {
                return false;
            }

            if (patternSegments[i].Contains("**", StringComparison.Ordinal))
            {
                return true;
            }

            if (!pattern.SegmentMatches(i, directory[i]))
            {
                return false;
            }
        }

        return patternSegments.Length > directory.Length;
    }

    private static string? Normalize(string relativePath)
    {
        var path = ContextPath.Clean(relativePath);
        path = path.TrimStart('/');
        return path.Length == 0 || path == "." ? null : path;
    }

    private static List<string> Ancestors(string path)
    {
        var ancestors = new List<string>();
        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash >= 0; slash = path.IndexOf('/', slash + 1))
        {
            ancestors.Add(path[..slash]);
        }

        return ancestors;
    }
}
