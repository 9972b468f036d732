namespace Containers.Orchestration.Store;

/// <summary>What must still hold of an object for a delete to go ahead; a mismatch is a Conflict.</summary>
public sealed record Preconditions(string? Uid = null, string? ResourceVersion = null);
