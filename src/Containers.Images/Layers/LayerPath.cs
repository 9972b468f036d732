using Containers.Errors;

namespace Containers.Images.Layers;

/// <summary>
/// Turns a name read from a layer into a clean path relative to the root: "./", "//" and a
/// leading "/" go (GNU tar strips a leading "/" too), and a ".." that would climb above the root
/// is refused. The result is "" for the root itself.
/// </summary>
internal static class LayerPath
{
    public static string Clean(string name, string subject, string what = "entry")
    {
        if (name.Length == 0)
        {
            throw new InvalidArgumentException($"{subject} has an {what} with an empty name");
        }

        // Fast path: already clean, as nearly every name a tool writes is.
        if (IsClean(name.AsSpan().TrimEnd('/')))
        {
            return name.TrimEnd('/');
        }

        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            switch (part)
            {
                case "" or ".":
                    continue;
                case "..":
                    if (parts.Count == 0)
                    {
                        throw new InvalidArgumentException($"{subject} {what} \"{name}\" escapes the root with \"..\"; refusing the layer");
                    }

                    parts.RemoveAt(parts.Count - 1);
                    continue;
                default:
                    parts.Add(part);
                    continue;
            }
        }

        return string.Join('/', parts);
    }

    /// <summary>The parent ("" for top-level names) and the last component of a clean, non-empty path.</summary>
    public static (string Parent, string Name) Split(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? (string.Empty, path) : (path[..slash], path[(slash + 1)..]);
    }

    public static string Join(string parent, string name) => parent.Length == 0 ? name : $"{parent}/{name}";

    private static bool IsClean(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name[0] == '/')
        {
            return false;
        }

        foreach (var range in name.Split('/'))
        {
            var part = name[range];
            if (part.IsEmpty || part is "." or "..")
            {
                return false;
            }
        }

        return true;
    }
}
