using System.Diagnostics.CodeAnalysis;
using Containers.Errors;

namespace Containers.Cgroups;

/// <summary>
/// A validated cgroup path. A relative path (<c>containers/abc</c>) is joined, in each hierarchy,
/// onto the cgroup of the process that creates it, as runc does; an absolute path
/// (<c>/containers/abc</c>) starts at each hierarchy's root. Components are never empty,
/// <c>.</c> or <c>..</c>, and hold no NUL or newline.
/// </summary>
public readonly record struct CgroupPath
{
    private readonly string? _value;

    private CgroupPath(string value) => _value = value;

    /// <summary>The path as given, without a trailing slash.</summary>
    public string Value => _value ?? throw new InvalidOperationException("a default CgroupPath has no value; build one with CgroupPath.Parse");

    /// <summary>Whether the path starts at the hierarchy's root.</summary>
    public bool IsAbsolute => Value.StartsWith('/');

    /// <summary>The last component.</summary>
    public string Name => Value[(Value.LastIndexOf('/') + 1)..];

    /// <summary>Validates <paramref name="value"/>.</summary>
    /// <exception cref="InvalidArgumentException">The path is empty, is <c>/</c>, or has an empty, <c>.</c> or <c>..</c> component, a NUL or a newline.</exception>
    public static CgroupPath Parse(string value) =>
        TryParse(value, out var path, out var error) ? path : throw new InvalidArgumentException(error);

    /// <summary>Validates <paramref name="value"/> without throwing.</summary>
    public static bool TryParse(string? value, out CgroupPath path) => TryParse(value, out path, out _);

    /// <summary>This path with <paramref name="name"/>, a single component, appended.</summary>
    /// <exception cref="InvalidArgumentException"><paramref name="name"/> is not one valid component.</exception>
    public CgroupPath Join(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Contains('/', StringComparison.Ordinal))
        {
            throw new InvalidArgumentException($"cgroup child name \"{Escape(name)}\" under \"{Value}\" is invalid: it must be one component, with no \"/\"");
        }

        if (!TryParse(name, out _, out var error))
        {
            throw new InvalidArgumentException($"cgroup child name under \"{Value}\" is invalid: {error}");
        }

        return new CgroupPath(Value + "/" + name);
    }

    /// <summary>The absolute path in a hierarchy where this process is at <paramref name="ownPath"/>.</summary>
    internal string Resolve(string ownPath) =>
        IsAbsolute ? Value : ownPath.TrimEnd('/') + "/" + Value;

    public override string ToString() => _value ?? string.Empty;

    private static bool TryParse(string? value, out CgroupPath path, [NotNullWhen(false)] out string? error)
    {
        path = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "cgroup path is empty; give a relative path such as \"containers/<id>\" or an absolute one such as \"/containers/<id>\"";
            return false;
        }

        var bad = value.AsSpan().IndexOfAny('\0', '\n', '\r');
        if (bad >= 0)
        {
            error = $"cgroup path \"{Escape(value)}\" contains a {(value[bad] == '\0' ? "NUL" : "line break")} at offset {bad}; remove it";
            return false;
        }

        var trimmed = value.Length > 1 ? value.TrimEnd('/') : value;
        if (trimmed == "/" || trimmed.Length == 0)
        {
            error = $"cgroup path \"{value}\" names a hierarchy's root, which cannot be created or deleted; give a path below it such as \"/containers/<id>\"";
            return false;
        }

        var components = (trimmed.StartsWith('/') ? trimmed[1..] : trimmed).Split('/');
        foreach (var component in components)
        {
            if (component is "" or "." or "..")
            {
                error = component.Length == 0
                    ? $"cgroup path \"{value}\" has an empty component (\"//\"); remove the doubled slash"
                    : $"cgroup path \"{value}\" has a \"{component}\" component, which could leave the intended subtree; use a plain path such as \"containers/<id>\"";
                return false;
            }
        }

        path = new CgroupPath(trimmed);
        error = null;
        return true;
    }

    private static string Escape(string value) => value.Replace("\0", "\\0", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
}
