namespace Containers.Orchestration.Api;

/// <summary>One term of a <see cref="FieldSelector"/>: <c>field=value</c> or <c>field!=value</c>.</summary>
public sealed record FieldSelectorRequirement(string Field, bool NotEquals, string Value);
