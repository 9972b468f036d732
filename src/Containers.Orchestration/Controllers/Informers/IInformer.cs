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

    /// <summary>
    /// The cached objects, read while no change is being applied, so that the handlers of every
    /// change already in the cache have run.
    /// </summary>
    IReadOnlyList<KubeObject> Snapshot();

    Task RunAsync(CancellationToken cancellationToken);

    Task WaitForSyncAsync(CancellationToken cancellationToken = default);
}
