using Containers.Orchestration.Api;

namespace Containers.Orchestration.Controllers.Informers;

/// <summary>
/// What an informer calls as its cache changes, in the order the changes happened. Handlers run on
/// the informer's loop and must be quick: controllers only queue keys from them.
/// </summary>
public sealed record InformerHandler<T>
    where T : KubeObject
{
    /// <summary>An object appeared (or was in the first list).</summary>
    public Action<T>? OnAdd { get; init; }

    /// <summary>An object changed: old, then new. Also called on a relist for objects that stayed.</summary>
    public Action<T, T>? OnUpdate { get; init; }

    /// <summary>An object went away: the last state the informer saw.</summary>
    public Action<T>? OnDelete { get; init; }
}

/// <summary>Makes common <see cref="InformerHandler{T}"/>s.</summary>
public static class InformerHandler
{
    /// <summary>One action for every change, given the object as it is now (or was last, for a delete).</summary>
    public static InformerHandler<T> ForAll<T>(Action<T> onChange)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(onChange);
        return new() { OnAdd = onChange, OnUpdate = (_, n) => onChange(n), OnDelete = onChange };
    }
}
