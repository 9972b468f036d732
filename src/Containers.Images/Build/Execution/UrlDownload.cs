using Containers.Errors;

namespace Containers.Images.Build.Execution;

/// <summary>
/// ADD of a URL: the file is fetched over HTTP(S) into the build's work directory, named by the
/// last segment of the URL's path, with mode 0600 and the server's Last-Modified as its mtime, as
/// Docker fetches it; <c>--checksum</c> is verified. Not extracted, even when it is an archive.
/// </summary>
internal static class UrlDownload
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static bool IsUrl(string source) =>
        source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    public static bool IsGit(string source) =>
        source.StartsWith("git@", StringComparison.Ordinal) || source.StartsWith("git://", StringComparison.OrdinalIgnoreCase)
        || (IsUrl(source) && source.EndsWith(".git", StringComparison.OrdinalIgnoreCase));

    /// <summary>The file name a URL gives: the last segment of its path, or <c>__unnamed__</c>.</summary>
    public static string FileName(string url)
    {
        var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url;
        var name = path.TrimEnd('/').Split('/')[^1];
        return name.Length == 0 ? "__unnamed__" : Uri.UnescapeDataString(name);
    }

    /// <summary>Fetches every URL into <paramref name="directory"/>; returns it as a source tree.</summary>
    /// <exception cref="UnavailableException">A URL cannot be reached or answers with an error.</exception>
    public static async Task<SourceTree> FetchAsync(IReadOnlyList<string> urls, string directory, string? checksum, string where, TimeProvider time, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        using var http = new HttpClient { Timeout = Timeout };
        foreach (var url in urls)
        {
            var path = Path.Combine(directory, FileName(url));
            try
            {
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                await using (file.ConfigureAwait(false))
                {
                    await response.Content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                }

                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                File.SetLastWriteTimeUtc(path, (response.Content.Headers.LastModified ?? time.GetUtcNow()).UtcDateTime);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new UnavailableException($"{where}: {url} is unreachable ({e.Message}); the build needs network access to fetch it, or copy the file into the context", e);
            }

            if (checksum is not null)
            {
                await VerifyAsync(path, url, checksum, where, cancellationToken).ConfigureAwait(false);
            }
        }

        return SourceTree.ForFilesystem(directory, "the downloads");
    }

    private static async Task VerifyAsync(string path, string url, string checksum, string where, CancellationToken cancellationToken)
    {
        var expected = Digest.TryParse(checksum, out var digest) ? digest : throw new InvalidArgumentException($"{where}: --checksum={checksum} is not a digest; write sha256:<64 hex digits>");
        await using var file = File.OpenRead(path);
        var actual = await Digest.ComputeAsync(file, expected.Algorithm, cancellationToken).ConfigureAwait(false);
        if (actual != expected)
        {
            throw new DigestMismatchException($"{where}: {url} has digest {actual}, not the {expected} --checksum gives", expected.ToString(), actual.ToString());
        }
    }
}
