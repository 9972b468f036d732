namespace Containers.Orchestration.Api.Rbac;

/// <summary>
/// What a role allows: verbs on resources of API groups (optionally only some names), or verbs on
/// non-resource URLs. "*" matches everything in its list; the core group is "".
/// </summary>
public sealed record PolicyRule
{
    public IReadOnlyList<string> Verbs { get => field ?? []; init; }

    public IReadOnlyList<string> ApiGroups { get => field ?? []; init; }

    /// <summary>Plural resources, or <c>resource/subresource</c>.</summary>
    public IReadOnlyList<string> Resources { get => field ?? []; init; }

    public IReadOnlyList<string> ResourceNames { get => field ?? []; init; }

    public IReadOnlyList<string> NonResourceURLs { get => field ?? []; init; }
}
