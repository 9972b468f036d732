namespace Containers.Orchestration.Store.Embedded.Persistence;

/// <summary>What a log record does to its key.</summary>
internal enum LogOp : byte
{
    Put = 1,
    Delete = 2,
}
