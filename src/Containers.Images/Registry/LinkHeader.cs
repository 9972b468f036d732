using Containers.Errors;

namespace Containers.Images.Registry;

/// <summary>The <c>Link: &lt;url&gt;; rel="next"</c> header registries paginate with (RFC 8288).</summary>
internal static class LinkHeader
{
    /// <summary>The next page after <paramref name="current"/>, resolved against it; null on the last page.</summary>
    /// <exception cref="InvalidArgumentException">The link leaves HTTP, or goes from HTTPS down to HTTP.</exception>
    public static Uri? Next(HttpResponseMessage response, Uri current)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var link in values.SelectMany(v => v.Split(',')))
        {
            var open = link.IndexOf('<', StringComparison.Ordinal);
            var close = link.IndexOf('>', StringComparison.Ordinal);
            if (open < 0 || close < open)
            {
                continue;
            }

            var parameters = link[(close + 1)..].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (!parameters.Any(p => p.Replace(" ", string.Empty, StringComparison.Ordinal) is "rel=\"next\"" or "rel=next"))
            {
                continue;
            }

            if (!Uri.TryCreate(current, link[(open + 1)..close].Trim(), out var next) || next.Scheme is not ("http" or "https"))
            {
                throw new InvalidArgumentException($"the registry's next-page link \"{link.Trim()}\" is not an HTTP URL");
            }

            if (current.Scheme == Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttps)
            {
                throw new InvalidArgumentException($"the registry's next-page link goes from HTTPS down to HTTP ({RetryHandler.Shown(next)}); refusing it");
            }

            return next;
        }

        return null;
    }
}
