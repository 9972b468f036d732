namespace Containers.Orchestration.Api;

/// <summary>Names an object in the same namespace, such as an image pull secret.</summary>
public sealed record LocalObjectReference
{
    public string Name { get => field ?? string.Empty; init; }
}
