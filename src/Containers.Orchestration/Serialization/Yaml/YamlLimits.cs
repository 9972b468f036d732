namespace Containers.Orchestration.Serialization.Yaml;

/// <summary>
/// Bounds on YAML input, so that a hostile manifest (a "billion laughs" alias bomb, a deeply
/// nested document, a huge file) fails fast instead of exhausting memory or the stack.
/// </summary>
public sealed record YamlLimits
{
    /// <summary>The default: Kubernetes' request body limit (3 MiB) and room for any real manifest.</summary>
    public static YamlLimits Default { get; } = new();

    /// <summary>Characters of input.</summary>
    public int MaxInputLength { get; init; } = 3 << 20;

    /// <summary>Nesting of mappings and sequences.</summary>
    public int MaxDepth { get; init; } = 100;

    /// <summary>Nodes (scalars, mappings, sequences) as written, before aliases are expanded.</summary>
    public int MaxNodes { get; init; } = 500_000;

    /// <summary>Alias uses (<c>*name</c>).</summary>
    public int MaxAliases { get; init; } = 1_000;

    /// <summary>Nodes once every alias is expanded: the size of the JSON the YAML turns into.</summary>
    public int MaxExpandedNodes { get; init; } = 1_000_000;
}
