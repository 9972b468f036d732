namespace Containers.Orchestration.Api;

/// <summary>Names an object that owns this one, for garbage collection and controller adoption.</summary>
public sealed record OwnerReference
{
    public string ApiVersion { get => field ?? string.Empty; init; }

    public string Kind { get => field ?? string.Empty; init; }

    public string Name { get => field ?? string.Empty; init; }

    public string Uid { get => field ?? string.Empty; init; }

    /// <summary>True on the one reference that names the managing controller.</summary>
    public bool? Controller { get; init; }

    /// <summary>With foreground deletion, the owner waits until this dependent is gone.</summary>
    public bool? BlockOwnerDeletion { get; init; }

    /// <summary>A controller reference to <paramref name="owner"/>, as controllers stamp on what they create.</summary>
    public static OwnerReference ControllerOf(KubeObject owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return new OwnerReference
        {
            ApiVersion = owner.ApiVersion,
            Kind = owner.Kind,
            Name = owner.Name,
            Uid = owner.Metadata.Uid ?? throw new ArgumentException($"{owner.Kind} {owner.Key} has no uid yet: store it before owning objects", nameof(owner)),
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }
}
