using Containers.Errors;

namespace Containers.Orchestration.Api;

/// <summary>
/// The key of a namespaced object, <c>namespace/name</c>, as reconcilers and work queues use it.
/// The namespace is validated as a DNS-1123 label when the value is built; the name only as a URL
/// path segment (not empty, "." or "..", no '/' or '%'), the rule every kind's name keeps: most
/// kinds' names are DNS subdomains, but RBAC kinds' are path segments (<c>system:discovery</c>), so
/// each kind's own rule belongs to its validation.
/// </summary>
public readonly record struct NamespacedName
{
    public NamespacedName(string? @namespace, string name)
    {
        if (@namespace is { Length: > 0 })
        {
            ValidateLabel(@namespace, "namespace");
        }

        ValidatePathSegment(name, "name");
        Namespace = string.IsNullOrEmpty(@namespace) ? null : @namespace;
        Name = name;
    }

    /// <summary>The namespace, or null for cluster-scoped objects.</summary>
    public string? Namespace { get; }

    public string Name { get; }

    /// <summary>Parses <c>namespace/name</c> or a bare cluster-scoped <c>name</c>.</summary>
    public static NamespacedName Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? new NamespacedName(null, value) : new NamespacedName(value[..slash], value[(slash + 1)..]);
    }

    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";

    private static void ValidateLabel(string value, string what)
    {
        if (!KubeNames.IsDns1123Label(value))
        {
            throw new InvalidArgumentException($"{what} \"{value}\" must be a DNS-1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit");
        }
    }

    private static void ValidatePathSegment(string value, string what)
    {
        if (string.IsNullOrEmpty(value) || value is "." or ".." || value.AsSpan().IndexOfAny('/', '%') >= 0)
        {
            throw new InvalidArgumentException($"{what} \"{value}\" may not be empty, \".\" or \"..\", and may not contain '/' or '%'");
        }
    }
}
