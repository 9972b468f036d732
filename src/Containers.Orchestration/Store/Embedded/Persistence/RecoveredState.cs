namespace Containers.Orchestration.Store.Embedded.Persistence;

/// <summary>What a data directory held: the newest revision written and each key's object JSON.</summary>
internal sealed record RecoveredState(long Revision, IReadOnlyDictionary<string, ReadOnlyMemory<byte>> Objects, int LogRecords, long TruncatedBytes);
