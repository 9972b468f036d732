namespace Containers.Images.Build.Context;

/// <summary>Lexical path cleaning as Go's <c>path.Clean</c> does it, on slash-separated paths.</summary>
internal static class ContextPath
{
    /// <summary>
    /// The shortest equivalent path: repeated slashes become one, <c>.</c> elements go,
    /// <c>..</c> removes the element before it (at the root it is dropped; at the start of a
    /// relative path it stays); an empty result is <c>.</c>.
    /// </summary>
    public static string Clean(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }

        var rooted = path[0] == '/';
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            switch (part)
            {
                case "" or ".":
                    continue;
                case "..":
                    if (parts.Count > 0 && parts[^1] != "..")
                    {
                        parts.RemoveAt(parts.Count - 1);
                    }
                    else if (!rooted)
                    {
                        parts.Add("..");
                    }

                    continue;
                default:
                    parts.Add(part);
                    continue;
            }
        }

        var cleaned = string.Join('/', parts);
        return rooted ? "/" + cleaned : cleaned.Length == 0 ? "." : cleaned;
    }
}
