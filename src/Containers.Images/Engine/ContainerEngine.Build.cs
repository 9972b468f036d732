using Containers.Errors;
using Containers.Images.Snapshots;
using Containers.Networking;
using Containers.Runtime;

namespace Containers.Images.Engine;

/// <summary>
/// What the Dockerfile builder shares with the engine: its snapshotter (so that the layers a build
/// unpacks are the ones its containers later run on), its runtime, its root, and its bridge. A
/// build's <c>RUN</c> containers are not engine containers: they have no record, no log and no
/// name, and are never listed; the builder drives the runtime itself (see
/// <see cref="Build.Execution.RunExecutor"/>).
/// </summary>
public sealed partial class ContainerEngine
{
    /// <summary>The snapshotter the engine's containers and the builder's steps run on.</summary>
    internal ISnapshotter Snapshotter => _snapshotter;

    /// <summary>The runtime that runs the engine's containers and the builder's steps.</summary>
    internal IContainerRuntime Runtime => _runtime;

    /// <summary>The engine's root directory.</summary>
    internal string RootDirectory => Path.GetDirectoryName(_containersRoot)!;

    /// <summary>Whether the containers it makes die with this process (and so must a build's).</summary>
    internal bool ContainersDieWithEngine => _options.ContainersDieWithEngine;

    /// <summary>What the shim removes should this process die: <paramref name="rootfs"/>' mount, <paramref name="directory"/> and the snapshot's files.</summary>
    internal Task<OwnerDeathCleanup?> OwnerDeathCleanupForAsync(string directory, string rootfs, string snapshotKey, CancellationToken cancellationToken) =>
        OwnerDeathCleanupAsync(directory, rootfs, snapshotKey, cancellationToken);

    /// <summary>
    /// Connects the runtime container <paramref name="id"/>, whose process is <paramref name="pid"/>,
    /// to the default bridge (made on first use); disposing the result disconnects it.
    /// </summary>
    internal async Task<IAsyncDisposable> ConnectToDefaultBridgeAsync(int pid, string id, string hostname, CancellationToken cancellationToken)
    {
        await AwaitNetworkReconcileAsync().ConfigureAwait(false);
        BridgeNetwork bridge;
        await _networkGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var network = await Networks.GetOrCreateDefaultAsync(Networking.NetworkModes.Bridge, cancellationToken).ConfigureAwait(false);
            bridge = await Networks.TryOpenAsync(network, cancellationToken).ConfigureAwait(false)
                ?? throw new NotFoundException($"network \"{network.Name}\" has lost its state (bridge {network.BridgeName}); remove it and create it again");
            await bridge.ConnectAsync(pid, id, hostname, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _networkGate.Release();
        }

        return new BridgeAttachment(this, bridge, id);
    }

    private sealed class BridgeAttachment(ContainerEngine engine, BridgeNetwork bridge, string id) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await engine._networkGate.WaitAsync().ConfigureAwait(false);
            try
            {
                await bridge.DisconnectAsync(id, CancellationToken.None).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
            }
            finally
            {
                engine._networkGate.Release();
            }
        }
    }
}
