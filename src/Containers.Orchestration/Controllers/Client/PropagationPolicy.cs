namespace Containers.Orchestration.Controllers.Client;

/// <summary>What deleting an owner does to the objects that name it in their ownerReferences.</summary>
public enum PropagationPolicy
{
    /// <summary>The dependents stay, with the owner's reference removed.</summary>
    Orphan,

    /// <summary>The owner goes at once; the garbage collector deletes the dependents after.</summary>
    Background,

    /// <summary>The owner stays (with a foregroundDeletion finalizer) until its blocking dependents are gone.</summary>
    Foreground,
}
