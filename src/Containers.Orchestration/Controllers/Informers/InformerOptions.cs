using Containers.Orchestration.Api;

namespace Containers.Orchestration.Controllers.Informers;

/// <summary>What an informer lists and watches: one namespace or all, and optional selectors.</summary>
public sealed record InformerOptions
{
    /// <summary>Null for all namespaces.</summary>
    public string? Namespace { get; init; }

    public LabelSelector? LabelSelector { get; init; }

    /// <summary>Such as <c>spec.nodeName=node-1</c>, as a node agent watches only its own pods.</summary>
    public FieldSelector? FieldSelector { get; init; }

    /// <summary>The first wait after a failed list or watch; doubles to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    public static InformerOptions Default { get; } = new();
}
