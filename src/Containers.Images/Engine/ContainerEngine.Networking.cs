using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Containers.Errors;
using Containers.Images.Engine.Networking;
using Containers.Images.Json;
using Containers.Networking;
using Containers.Networking.Ports;
using Containers.Runtime;
using Containers.Runtime.Spec;

namespace Containers.Images.Engine;

/// <summary>
/// Networking: bridge networks (<c>docker network create/rm/ls/inspect</c>), a container's
/// network (none, host or a bridge, where it gets a veth and an address at create), the
/// <c>/etc/hosts</c> by which containers on one bridge reach each other by name, and published
/// ports, forwarded from the host while the container runs.
/// </summary>
public sealed partial class ContainerEngine
{
    /// <summary>Serializes network creates and removes, attaches, detaches and hosts-file rewrites in this engine.</summary>
    private readonly SemaphoreSlim _networkGate = new(1, 1);

    /// <summary>The forwarders of each running container with published ports, by container id.</summary>
    /// <summary>
    /// How long the forwarders of a container that has ended may take to pass on what it sent
    /// before it did: its sockets are closed, so this is only ever used up by a stuck client.
    /// </summary>
    private static readonly TimeSpan ForwardingGrace = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, PortForwarder[]> _forwarders = new(StringComparer.Ordinal);

    private EngineNetworks? _networks;

    /// <summary>Releases what dead containers left on the networks; started by the constructor, awaited before the first attach.</summary>
    private readonly Task _networkReconcile;

    private EngineNetworks Networks =>
        _networks ??= new EngineNetworks(Path.Combine(Path.GetDirectoryName(_containersRoot)!, "networks"), _options, _time);

    /// <summary>
    /// Makes a bridge network, as <c>docker network create</c> does. Without a subnet it gets the
    /// first /24 of <see cref="EngineOptions.NetworkPool"/> that no network and no host route uses.
    /// </summary>
    /// <exception cref="InvalidArgumentException">The name is not valid or is one of <c>bridge</c>, <c>host</c>, <c>none</c>.</exception>
    /// <exception cref="AlreadyExistsException">A network of that name, or an interface of the bridge's name, exists.</exception>
    /// <exception cref="ConflictException">The subnet overlaps another network or a route of the host.</exception>
    public async Task<NetworkInfo> CreateNetworkAsync(string name, NetworkCreateOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (NetworkModes.IsPredefined(name))
        {
            throw new InvalidArgumentException($"network \"{name}\" is predefined (bridge, host and none are); choose another name");
        }

        if (!NamePattern().IsMatch(name))
        {
            throw new InvalidArgumentException($"network name \"{name}\" is not valid; use [a-zA-Z0-9][a-zA-Z0-9_.-]+");
        }

        options ??= new NetworkCreateOptions();
        await AwaitNetworkReconcileAsync().ConfigureAwait(false);
        await _networkGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var network = await Networks.CreateAsync(name, options.Subnet, options.BridgeName, cancellationToken).ConfigureAwait(false);
            Log.NetworkCreated(_logger, name, network.BridgeName, network.Subnet);
            return await NetworkInfoAsync(network, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _networkGate.Release();
        }
    }

    /// <summary>
    /// Removes a network and its bridge, as <c>docker network rm</c> does. Unlike Docker, the
    /// default <c>bridge</c> may be removed too (say, by whoever discards an engine root): it is
    /// made again when a container next joins it.
    /// </summary>
    /// <exception cref="NotFoundException">No network has that name or id.</exception>
    /// <exception cref="ConflictException">Containers are attached to it (created or running ones).</exception>
    /// <exception cref="InvalidArgumentException">It is <c>host</c> or <c>none</c>, which are no networks to remove.</exception>
    public async Task RemoveNetworkAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrId);
        if (nameOrId is NetworkModes.Host or NetworkModes.None)
        {
            throw new InvalidArgumentException($"network \"{nameOrId}\" is predefined and cannot be removed");
        }

        await AwaitNetworkReconcileAsync().ConfigureAwait(false);
        await _networkGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var network = FindNetwork(nameOrId);
            if (await Networks.TryOpenAsync(network, cancellationToken).ConfigureAwait(false) is { } bridge
                && await bridge.GetEndpointsAsync(cancellationToken).ConfigureAwait(false) is { Count: > 0 } attached)
            {
                var names = string.Join(", ", attached.Select(e => e.Hostname ?? e.ContainerId[..12]));
                throw new ConflictException($"network \"{network.Name}\" has {attached.Count} container(s) attached ({names}); stop or remove them first");
            }

            await Networks.DeleteAsync(network, cancellationToken).ConfigureAwait(false);
            Log.NetworkRemoved(_logger, network.Name, network.BridgeName);
        }
        finally
        {
            _networkGate.Release();
        }
    }

    /// <summary>The engine's bridge networks, oldest first (the default <c>bridge</c> once a container has used it).</summary>
    public async Task<IReadOnlyList<NetworkInfo>> ListNetworksAsync(CancellationToken cancellationToken = default)
    {
        await AwaitNetworkReconcileAsync().ConfigureAwait(false);
        var infos = new List<NetworkInfo>();
        foreach (var network in Networks.List())
        {
            infos.Add(await NetworkInfoAsync(network, cancellationToken).ConfigureAwait(false));
        }

        return infos;
    }

    /// <summary>A network's subnet, bridge and attached containers, as <c>docker network inspect</c> tells them.</summary>
    /// <exception cref="NotFoundException">No network has that name or id.</exception>
    public async Task<NetworkInfo> InspectNetworkAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrId);
        await AwaitNetworkReconcileAsync().ConfigureAwait(false);
        return await NetworkInfoAsync(FindNetwork(nameOrId), cancellationToken).ConfigureAwait(false);
    }

    private StoredNetwork FindNetwork(string nameOrId) =>
        Networks.Find(nameOrId) ?? throw new NotFoundException(
            nameOrId == NetworkModes.Bridge
                ? "the default network \"bridge\" does not exist yet; it is made when the first container joins it"
                : $"network \"{nameOrId}\" does not exist; create it with CreateNetworkAsync");

    private async Task<NetworkInfo> NetworkInfoAsync(StoredNetwork network, CancellationToken cancellationToken)
    {
        var endpoints = await Networks.TryOpenAsync(network, cancellationToken).ConfigureAwait(false) is { } bridge
            ? await bridge.GetEndpointsAsync(cancellationToken).ConfigureAwait(false)
            : [];
        var records = await RecordsAsync(cancellationToken).ConfigureAwait(false);
        return new NetworkInfo
        {
            Name = network.Name,
            Id = network.Id,
            BridgeName = network.BridgeName,
            Subnet = Ipv4Subnet.Parse(network.Subnet),
            Created = network.Created,
            Containers =
            [
                .. endpoints.Select(e => new NetworkContainer(
                    e.ContainerId,
                    records.TryGetValue(e.ContainerId, out var record) ? record.Name : e.Hostname ?? e.ContainerId[..12],
                    e.Address,
                    e.MacAddress,
                    e.HostInterface)),
            ],
        };
    }

    /// <summary>
    /// Checks a new container's network settings and makes sure its network exists (making the
    /// default bridge on first use). Nothing of the container exists yet, so a refusal leaves nothing.
    /// </summary>
    private async Task<ContainerNetworking> ResolveNetworkAsync(ContainerRunSpec spec, string id, CancellationToken cancellationToken)
    {
        var network = spec.Network ?? _options.DefaultNetwork;
        if (string.IsNullOrEmpty(network))
        {
            throw new InvalidArgumentException("the container's network is empty; use \"bridge\", \"host\", \"none\" or a network's name");
        }

        var ports = spec.Ports.ToArray();
        var aliases = spec.NetworkAliases.ToArray();
        if (aliases.FirstOrDefault(a => !HostsFile.IsValidName(a)) is { } badAlias)
        {
            throw new InvalidArgumentException($"network alias \"{badAlias}\" is not a valid hostname; use letters, digits, '-', '.' and '_'");
        }

        var hostname = spec.Hostname ?? (network == NetworkModes.Host ? HostHostname() : id[..12]);
        var bridge = network is not (NetworkModes.None or NetworkModes.Host);
        if (!bridge)
        {
            if (aliases.Length > 0)
            {
                throw new InvalidArgumentException($"network aliases ({string.Join(", ", aliases)}) need a bridge network; the container's network is \"{network}\"");
            }

            if (ports.Length > 0 && network == NetworkModes.None)
            {
                throw new InvalidArgumentException($"published ports ({string.Join(", ", ports)}) need a bridge network, and the container's network is \"none\"; use \"bridge\" or a created network");
            }

            if (ports.Length > 0)
            {
                // As Docker: the container listens on the host's own ports already.
                Log.PortsIgnoredOnHostNetwork(_logger, spec.Name ?? id[..12], string.Join(", ", ports));
            }

            return new ContainerNetworking { Network = network, Hostname = hostname };
        }

        if (ports.FirstOrDefault(p => p.Protocol != PortProtocol.Tcp) is { ContainerPort: > 0 } udp)
        {
            throw new InvalidArgumentException($"published port {udp} is UDP; only TCP ports can be published so far");
        }

        if (ports.Where(p => p.HostPort != 0).GroupBy(p => p.HostEndPoint).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InvalidArgumentException($"host endpoint {twice.Key} is published more than once ({string.Join(", ", twice)}); give each binding its own host port");
        }

        await AwaitNetworkReconcileAsync().ConfigureAwait(false);
        await _networkGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = await Networks.GetOrCreateDefaultAsync(network, cancellationToken).ConfigureAwait(false);
            network = stored.Name;
        }
        finally
        {
            _networkGate.Release();
        }

        return new ContainerNetworking { Network = network, Hostname = hostname, Aliases = aliases, Ports = [.. ports.Select(p => p.ToString())] };
    }

    /// <summary>
    /// Writes the container's <c>/etc/hosts</c>, <c>/etc/hostname</c> and <c>/etc/resolv.conf</c>
    /// into <paramref name="directory"/>, mounts them into <paramref name="spec"/>, and with the
    /// host's network takes away the network namespace.
    /// </summary>
    private static async Task<OciSpec> WithNetworkingAsync(OciSpec spec, ContainerNetworking networking, string directory, CancellationToken cancellationToken)
    {
        var mounts = await ContainerEtcFiles.WriteAsync(directory, networking, spec.Root?.Readonly ?? false, cancellationToken).ConfigureAwait(false);
        var linux = spec.Linux ?? new OciLinux();
        var namespaces = networking.Network == NetworkModes.Host
            ? linux.Namespaces?.Where(n => n.Type != "network").ToArray()
            : linux.Namespaces;
        return spec with { Mounts = [.. spec.Mounts ?? [], .. mounts], Linux = linux with { Namespaces = namespaces } };
    }

    /// <summary>
    /// Connects a container on a bridge, whose process <paramref name="pid"/> the runtime has
    /// made: a veth into its namespace and an address, recorded; then every hosts file on the
    /// network is rewritten, so it and its peers know each other by name.
    /// </summary>
    private async Task AttachNetworkAsync(Entry entry, int pid, CancellationToken cancellationToken)
    {
        if (entry.Record.Networking is not { IsBridge: true } networking)
        {
            return;
        }

        var id = entry.Record.Id;
        await AwaitNetworkReconcileAsync().ConfigureAwait(false);
        await _networkGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var network = Networks.Find(networking.Network)
                ?? throw new NotFoundException($"network \"{networking.Network}\" was removed while container {entry.Record.Name} was being created");
            var bridge = await Networks.TryOpenAsync(network, cancellationToken).ConfigureAwait(false)
                ?? throw new NotFoundException($"network \"{network.Name}\" has lost its state (bridge {network.BridgeName}); remove it and create it again");
            var endpoint = await bridge.ConnectAsync(pid, id, entry.Record.Name, cancellationToken).ConfigureAwait(false);
            try
            {
                await SaveAsync(entry, entry.Record with { Networking = networking with { Address = endpoint.Address.ToString() } }, CancellationToken.None).ConfigureAwait(false);
                await RewriteHostsFilesAsync(bridge, CancellationToken.None).ConfigureAwait(false);
            }
            catch
            {
                await bridge.DisconnectAsync(id, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            Log.Attached(_logger, id, network.Name, endpoint.Address, endpoint.HostInterface);
        }
        finally
        {
            _networkGate.Release();
        }
    }

    /// <summary>Starts a forwarder for each of the container's published ports, and records the host endpoints bound.</summary>
    private async Task PublishPortsAsync(Entry entry, CancellationToken cancellationToken)
    {
        if (entry.Record.Networking is not { IsBridge: true, Ports.Count: > 0 } networking)
        {
            return;
        }

        var address = networking.IPAddress
            ?? throw new FailedPreconditionException($"container {entry.Record.Name} has no address on network \"{networking.Network}\", so its ports cannot be published; remove it and run a new one");
        var forwarders = await StartForwardersAsync(entry.Record.Id, networking.PortBindings, address, cancellationToken).ConfigureAwait(false);
        try
        {
            var published = forwarders.Select(f => new PortBinding(f.Binding.ContainerPort, f.HostEndPoint.Port, f.HostEndPoint.Address, f.Binding.Protocol).ToString());
            await SaveAsync(entry, entry.Record with { Networking = networking with { PublishedPorts = [.. published] } }, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            await StopForwardersAsync(entry.Record.Id, TimeSpan.Zero).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Serves again the ports of a running container found under the root, on the host
    /// endpoints it had: their forwarders died with the engine that started it. When another
    /// engine still serves them, the ports are in use and left to it.
    /// </summary>
    private async Task RestorePortsAsync(Entry entry)
    {
        if (_forwarders.ContainsKey(entry.Record.Id) || entry.Record.Networking is not { IPAddress: { } address, PublishedPorts.Count: > 0 } networking)
        {
            return;
        }

        try
        {
            await StartForwardersAsync(entry.Record.Id, networking.PublishedPorts.Select(PortBinding.Parse), address, _disposing.Token).ConfigureAwait(false);
        }
        catch (ConflictException e)
        {
            Log.PortsServedElsewhere(_logger, entry.Record.Id, e.Message);
        }
    }

    /// <summary>Starts one forwarder per binding to <paramref name="address"/> and keeps them for the container; all or none.</summary>
    private async Task<PortForwarder[]> StartForwardersAsync(string id, IEnumerable<PortBinding> bindings, IPAddress address, CancellationToken cancellationToken)
    {
        var forwarders = new List<PortForwarder>();
        var logger = new ForwardingLogger<PortForwarder>(_logger);
        try
        {
            foreach (var binding in bindings)
            {
                forwarders.Add(await PortForwarder.StartAsync(binding, address, logger, cancellationToken).ConfigureAwait(false));
            }
        }
        catch
        {
            foreach (var forwarder in forwarders)
            {
                await forwarder.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        _forwarders[id] = [.. forwarders];
        foreach (var forwarder in forwarders)
        {
            Log.PortPublished(_logger, id, forwarder.HostEndPoint, forwarder.ContainerEndPoint);
        }

        return [.. forwarders];
    }

    /// <summary>
    /// What a container that stopped, or is being removed, lets go of: its forwarders, its
    /// address and veth (and so its line in its peers' hosts files). With <paramref name="persist"/>,
    /// the record says so too. Safe to call again.
    /// </summary>
    private async Task ReleaseNetworkAsync(Entry entry, bool persist)
    {
        var id = entry.Record.Id;

        // The container has ended: a reply it wrote just before still reaches its client.
        await StopForwardersAsync(id, ForwardingGrace).ConfigureAwait(false);
        if (entry.Record.Networking is not { IsBridge: true } networking)
        {
            return;
        }

        await _networkGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Networks.Find(networking.Network) is { } network && await Networks.TryOpenAsync(network, CancellationToken.None).ConfigureAwait(false) is { } bridge)
            {
                try
                {
                    await bridge.DisconnectAsync(id, CancellationToken.None).ConfigureAwait(false);
                    Log.Detached(_logger, id, network.Name);
                    await RewriteHostsFilesAsync(bridge, CancellationToken.None).ConfigureAwait(false);
                }
                catch (NotFoundException)
                {
                    // Not attached: released before, or it never got that far.
                }
            }

            if (persist && (networking.Address is not null || networking.PublishedPorts.Count > 0) && Directory.Exists(entry.Directory))
            {
                await SaveAsync(entry, entry.Record with { Networking = networking with { Address = null, PublishedPorts = [] } }, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _networkGate.Release();
        }
    }

    /// <summary>Stops the container's forwarders, as when its start failed; its address stays.</summary>
    private async Task UnpublishPortsAsync(Entry entry)
    {
        await StopForwardersAsync(entry.Record.Id, TimeSpan.Zero).ConfigureAwait(false);
        if (entry.Record.Networking is { PublishedPorts.Count: > 0 } networking)
        {
            await SaveAsync(entry, entry.Record with { Networking = networking with { PublishedPorts = [] } }, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task StopForwardersAsync(string id, TimeSpan grace)
    {
        if (_forwarders.TryRemove(id, out var forwarders))
        {
            await Task.WhenAll(forwarders.Select(f => f.StopAsync(grace).AsTask())).ConfigureAwait(false);

            Log.PortsUnpublished(_logger, id, forwarders.Length);
        }
    }

    /// <summary>
    /// Rewrites, in place, the hosts file of every container attached to <paramref name="bridge"/>:
    /// its own names on its address, and every peer's name and aliases on the peer's. A
    /// container made by another engine on this root is known by the record in its directory.
    /// </summary>
    private async Task RewriteHostsFilesAsync(BridgeNetwork bridge, CancellationToken cancellationToken)
    {
        var endpoints = await bridge.GetEndpointsAsync(cancellationToken).ConfigureAwait(false);
        var records = await RecordsAsync(cancellationToken).ConfigureAwait(false);
        var known = new Dictionary<string, StoredContainer>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            if ((records.GetValueOrDefault(endpoint.ContainerId) ?? ReadRecord(endpoint.ContainerId)) is { } record)
            {
                known[endpoint.ContainerId] = record;
            }
        }

        IReadOnlyList<string> NamesOf(NetworkEndpoint endpoint) =>
            known.TryGetValue(endpoint.ContainerId, out var record)
                ? [record.Name, .. record.Networking?.Aliases ?? []]
                : endpoint.Hostname is { } hostname ? [hostname] : [];

        foreach (var self in endpoints.Where(e => known.ContainsKey(e.ContainerId)))
        {
            var record = known[self.ContainerId];
            var names = new[] { record.Networking?.Hostname ?? self.ContainerId[..12] }.Concat(NamesOf(self));
            var peers = endpoints.Where(e => e.ContainerId != self.ContainerId).Select(e => (e.Address, NamesOf(e)));
            var path = Path.Combine(_containersRoot, self.ContainerId, ContainerEtcFiles.HostsFile);
            try
            {
                await ContainerEtcFiles.RewriteInPlaceAsync(path, ContainerEtcFiles.Hosts(self.Address, names, peers), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // Being removed meanwhile.
            }
        }
    }

    /// <summary>
    /// On opening the root: an address whose container is no longer created or running in the
    /// runtime (it died with an engine that went away) is released, with its veth, and records
    /// that still claim an address or published ports for such a container are cleared.
    /// </summary>
    private async Task ReconcileNetworksAsync()
    {
        try
        {
            var networks = Networks.List();
            var attached = new List<(StoredNetwork Network, BridgeNetwork Bridge, IReadOnlyList<NetworkEndpoint> Endpoints)>();
            foreach (var network in networks)
            {
                if (await Networks.TryOpenAsync(network, _disposing.Token).ConfigureAwait(false) is { } bridge)
                {
                    attached.Add((network, bridge, await bridge.GetEndpointsAsync(_disposing.Token).ConfigureAwait(false)));
                }
            }

            var entries = await EntriesAsync(_disposing.Token).ConfigureAwait(false);
            var claiming = entries.Where(e => e.Record.Networking is { } n && (n.Address is not null || n.PublishedPorts.Count > 0)).ToArray();
            if (attached.All(a => a.Endpoints.Count == 0) && claiming.Length == 0)
            {
                return;
            }

            // Read after the endpoints: a container connects only once the runtime has it, so an
            // endpoint whose container is not live in this later list is stale.
            var live = (await _runtime.ListAsync(_disposing.Token).ConfigureAwait(false))
                .Where(s => s.Status != ContainerStatus.Stopped).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var (network, bridge, endpoints) in attached)
            {
                var stale = endpoints.Where(e => !live.Contains(e.ContainerId)).ToArray();
                if (stale.Length == 0)
                {
                    continue;
                }

                await _networkGate.WaitAsync(_disposing.Token).ConfigureAwait(false);
                try
                {
                    foreach (var endpoint in stale)
                    {
                        try
                        {
                            await bridge.DisconnectAsync(endpoint.ContainerId, CancellationToken.None).ConfigureAwait(false);
                            Log.StaleEndpointReleased(_logger, endpoint.ContainerId, network.Name, endpoint.Address);
                        }
                        catch (NotFoundException)
                        {
                        }
                    }

                    await RewriteHostsFilesAsync(bridge, CancellationToken.None).ConfigureAwait(false);
                }
                finally
                {
                    _networkGate.Release();
                }
            }

            foreach (var entry in claiming.Where(e => live.Contains(e.Record.Id) && e.Record.Started is not null))
            {
                await entry.Gate.WaitAsync(_disposing.Token).ConfigureAwait(false);
                try
                {
                    await RestorePortsAsync(entry).ConfigureAwait(false);
                }
                finally
                {
                    entry.Gate.Release();
                }
            }

            foreach (var entry in claiming.Where(e => !live.Contains(e.Record.Id)))
            {
                await entry.Gate.WaitAsync(_disposing.Token).ConfigureAwait(false);
                try
                {
                    if (!entry.Removed && Directory.Exists(entry.Directory) && entry.Record.Networking is { } networking)
                    {
                        await SaveAsync(entry, entry.Record with { Networking = networking with { Address = null, PublishedPorts = [] } }, CancellationToken.None).ConfigureAwait(false);
                    }
                }
                finally
                {
                    entry.Gate.Release();
                }
            }
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Networking goes on without it: only stale addresses stay taken.
            Log.NetworkReconcileFailed(_logger, e);
        }
    }

    private async Task AwaitNetworkReconcileAsync() => await _networkReconcile.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    /// <summary>Stops every forwarder of this engine (the containers go on) once reconciling is over.</summary>
    private async Task DisposeNetworkingAsync()
    {
        await _networkReconcile.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var id in _forwarders.Keys.ToArray())
        {
            await StopForwardersAsync(id, TimeSpan.Zero).ConfigureAwait(false);
        }
    }

    private async Task<Entry[]> EntriesAsync(CancellationToken cancellationToken)
    {
        await _registry.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return [.. _containers.Values];
        }
        finally
        {
            _registry.Release();
        }
    }

    private async Task<Dictionary<string, StoredContainer>> RecordsAsync(CancellationToken cancellationToken) =>
        (await EntriesAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(e => e.Record.Id, e => e.Record, StringComparer.Ordinal);

    /// <summary>The record of a container this engine does not follow (another engine's on this root), or null.</summary>
    private StoredContainer? ReadRecord(string id) =>
        id.Length == 64 && id.All(char.IsAsciiHexDigitLower) ? ReadRecordFrom(Path.Combine(_containersRoot, id)) : null;

    private static string HostHostname()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/hostname").Trim();
        }
        catch (IOException)
        {
            return Environment.MachineName;
        }
    }
}
