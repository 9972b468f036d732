using Containers.Errors;

namespace Containers.Orchestration.Api;

/// <summary>
/// The key of a namespaced object, <c>namespace/name</c>, as reconcilers and work queues use it.
/// Both parts are validated as Kubernetes DNS-1123 labels / subdomains when the value is built.
/// </summary>
public readonly record struct NamespacedName
{
    public NamespacedName(string? @namespace, string name)
    {
        if (@namespace is { Length: > 0 })
        {
            ValidateLabel(@namespace, "namespace");
        }

        ValidateSubdomain(name, "name");
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

    private static void ValidateSubdomain(string value, string what)
    {
        if (string.IsNullOrEmpty(value) || !KubeNames.IsDns1123Subdomain(value))
        {
            throw new InvalidArgumentException($"{what} \"{value}\" must be a DNS-1123 subdomain: at most 253 characters of lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit");
        }
    }
}
