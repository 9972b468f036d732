using Containers.Orchestration.Api;

namespace Containers.Orchestration.Controllers.Informers;

/// <summary>What an <see cref="InformerFactory"/> runs and waits for, whatever the kind.</summary>
public interface IInformer
{
    ResourceType Type { get; }

    InformerOptions Options { get; }

    bool HasSynced { get; }

    /// <summary>The revision of the last list or change applied to the cache.</summary>
    string? LastResourceVersion { get; }

    Task RunAsync(CancellationToken cancellationToken);

    Task WaitForSyncAsync(CancellationToken cancellationToken = default);
}
