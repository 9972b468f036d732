namespace Containers.Orchestration.Server;

/// <summary>What deleting an owner does to the objects whose ownerReferences name it.</summary>
public enum PropagationPolicy
{
    /// <summary>The owner goes now; the garbage collector deletes the dependents after it.</summary>
    Background,

    /// <summary>
    /// The owner stays, with a deletionTimestamp and the <c>foregroundDeletion</c> finalizer, until
    /// every dependent with <c>blockOwnerDeletion</c> is gone; the garbage collector deletes them first.
    /// </summary>
    Foreground,

    /// <summary>The dependents stay, without their reference to the owner (finalizer <c>orphan</c>).</summary>
    Orphan,
}
