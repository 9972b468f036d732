using System.Text.Json;
using Containers.Errors;
using Containers.Images.Json;
using Containers.Linux;
using Containers.Networking;

namespace Containers.Images.Engine.Networking;

/// <summary>
/// The engine's bridge networks under <c>&lt;root&gt;/networks</c>: one directory per bridge,
/// holding the <see cref="BridgeNetwork"/>'s state (subnet, address allocations) and the
/// engine's record of the network (its name, id and creation time). Callers serialize the
/// changes in this process; a flock on the directory serializes creates and removes with
/// other processes on the same root.
/// </summary>
internal sealed class EngineNetworks
{
    private const string RecordFile = "engine-network.json";
    private const int PoolPrefixLength = 24;

    private readonly EngineOptions _options;
    private readonly TimeProvider _time;

    public EngineNetworks(string directory, EngineOptions options, TimeProvider time)
    {
        Directory = directory;
        _options = options;
        _time = time;
        BridgeOptions = new BridgeNetworkOptions { StateDirectory = directory, VethPrefix = options.VethPrefix };
    }

    public string Directory { get; }

    public BridgeNetworkOptions BridgeOptions { get; }

    /// <summary>Every network recorded, oldest first.</summary>
    public IReadOnlyList<StoredNetwork> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var networks = new List<StoredNetwork>();
        foreach (var dir in System.IO.Directory.EnumerateDirectories(Directory))
        {
            var file = Path.Combine(dir, RecordFile);
            try
            {
                if (JsonSerializer.Deserialize(File.ReadAllBytes(file), EngineJsonContext.Default.StoredNetwork) is { } network)
                {
                    networks.Add(network);
                }
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // A bridge being made or deleted, or not one of the engine's.
            }
        }

        return [.. networks.OrderBy(n => n.Created).ThenBy(n => n.Name, StringComparer.Ordinal)];
    }

    /// <summary>The network named <paramref name="nameOrId"/> (or with that id), or null.</summary>
    public StoredNetwork? Find(string nameOrId)
    {
        var networks = List();
        return networks.FirstOrDefault(n => n.Name == nameOrId) ?? networks.FirstOrDefault(n => n.Id == nameOrId);
    }

    /// <summary>The network's bridge, or null when its state is gone.</summary>
    public async Task<BridgeNetwork?> TryOpenAsync(StoredNetwork network, CancellationToken cancellationToken)
    {
        try
        {
            return await BridgeNetwork.OpenAsync(network.BridgeName, BridgeOptions, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// The network a container joins. The default <c>"bridge"</c> is made on first use from
    /// <see cref="EngineOptions.DefaultBridgeInterface"/> and <see cref="EngineOptions.DefaultBridgeSubnet"/>.
    /// </summary>
    /// <exception cref="NotFoundException">No network has that name.</exception>
    public async Task<StoredNetwork> GetOrCreateDefaultAsync(string name, CancellationToken cancellationToken)
    {
        if (Find(name) is { } existing)
        {
            return existing;
        }

        if (name != NetworkModes.Bridge)
        {
            throw new NotFoundException($"network \"{name}\" does not exist; create it first (CreateNetworkAsync), or use \"bridge\", \"host\" or \"none\"");
        }

        try
        {
            return await CreateAsync(NetworkModes.Bridge, _options.DefaultBridgeSubnet, _options.DefaultBridgeInterface, cancellationToken).ConfigureAwait(false);
        }
        catch (ContainersException e) when (e is AlreadyExistsException or ConflictException or InvalidArgumentException)
        {
            // Another process on this root made it first.
            if (Find(name) is { } made)
            {
                return made;
            }

            throw e switch
            {
                AlreadyExistsException => new AlreadyExistsException($"the default bridge network cannot be made: {e.Message}. Set EngineOptions.DefaultBridgeInterface to a free interface name", e),
                ConflictException => new ConflictException($"the default bridge network cannot be made: {e.Message}. Set EngineOptions.DefaultBridgeSubnet to a free subnet", e),
                _ => new InvalidArgumentException($"the default bridge network cannot be made: {e.Message}", e),
            };
        }
    }

    /// <summary>
    /// Makes a network: checks the subnet against the other networks and the host's routes (or
    /// picks a free /24 from <see cref="EngineOptions.NetworkPool"/>), makes the bridge, and
    /// records it. The name is checked by the caller.
    /// </summary>
    /// <exception cref="AlreadyExistsException">A network of that name, or an interface of the bridge's name, exists.</exception>
    /// <exception cref="ConflictException">The subnet overlaps another network or a host route.</exception>
    /// <exception cref="UnavailableException">The pool has no free /24 left.</exception>
    public async Task<StoredNetwork> CreateAsync(string name, Ipv4Subnet? subnet, string? bridgeName, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        using var directoryLock = await DirectoryLock.AcquireAsync(Directory, cancellationToken).ConfigureAwait(false);
        var networks = List();
        if (networks.FirstOrDefault(n => n.Name == name) is { } clash)
        {
            throw new AlreadyExistsException($"network \"{name}\" exists already (id {clash.Id[..12]}, subnet {clash.Subnet}); remove it first or choose another name");
        }

        var id = SecureRandom.HexString(64);
        bridgeName ??= "br-" + id[..12];
        if (networks.FirstOrDefault(n => n.BridgeName == bridgeName) is { } sameBridge)
        {
            throw new AlreadyExistsException($"bridge \"{bridgeName}\" belongs to network \"{sameBridge.Name}\" already; choose another bridge name");
        }

        if (System.IO.Directory.Exists(Path.Combine("/sys/class/net", bridgeName)))
        {
            throw new AlreadyExistsException($"a network interface named \"{bridgeName}\" exists already (a bridge another engine root made?); choose another bridge name");
        }

        var chosen = subnet is { } asked ? CheckFree(asked, networks) : PickFromPool(networks);
        var bridge = await BridgeNetwork.CreateAsync(bridgeName, chosen, BridgeOptions, cancellationToken: cancellationToken).ConfigureAwait(false);
        var record = new StoredNetwork { Name = name, Id = id, BridgeName = bridgeName, Subnet = chosen.ToString(), Created = _time.GetUtcNow() };
        try
        {
            var file = Path.Combine(bridge.StateDirectory, RecordFile);
            await File.WriteAllBytesAsync(file + ".tmp", JsonSerializer.SerializeToUtf8Bytes(record, EngineJsonContext.Default.StoredNetwork), cancellationToken).ConfigureAwait(false);
            File.Move(file + ".tmp", file, overwrite: true);
        }
        catch
        {
            await bridge.DeleteAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return record;
    }

    /// <summary>Deletes the network's bridge and state; the caller has checked that nothing is attached.</summary>
    public async Task DeleteAsync(StoredNetwork network, CancellationToken cancellationToken)
    {
        using var directoryLock = await DirectoryLock.AcquireAsync(Directory, cancellationToken).ConfigureAwait(false);
        if (await TryOpenAsync(network, cancellationToken).ConfigureAwait(false) is { } bridge)
        {
            await bridge.DeleteAsync(cancellationToken).ConfigureAwait(false);
        }

        var dir = Path.Combine(Directory, network.BridgeName);
        if (System.IO.Directory.Exists(dir))
        {
            System.IO.Directory.Delete(dir, recursive: true);
        }
    }

    private static Ipv4Subnet CheckFree(Ipv4Subnet subnet, IReadOnlyList<StoredNetwork> networks)
    {
        var wanted = Ipv4Prefix.Of(subnet);
        if (networks.FirstOrDefault(n => Ipv4Prefix.Of(Ipv4Subnet.Parse(n.Subnet)).Overlaps(wanted)) is { } other)
        {
            throw new ConflictException($"subnet {subnet} overlaps network \"{other.Name}\" ({other.Subnet}); choose another subnet, or leave it out for a free one");
        }

        if (HostRoutes.Read().FirstOrDefault(r => r.Destination.Overlaps(wanted)) is { Interface: not null } route)
        {
            throw new ConflictException($"subnet {subnet} overlaps the host's route to {route.Destination} on interface \"{route.Interface}\"; choose another subnet, or leave it out for a free one");
        }

        return subnet;
    }

    private Ipv4Subnet PickFromPool(IReadOnlyList<StoredNetwork> networks)
    {
        var pool = _options.NetworkPool;
        var length = Math.Max(pool.PrefixLength, PoolPrefixLength);
        var taken = networks.Select(n => Ipv4Prefix.Of(Ipv4Subnet.Parse(n.Subnet))).Concat(HostRoutes.Read().Select(r => r.Destination)).ToArray();
        var start = Ipv4Prefix.Of(pool).Network;
        var count = 1u << (length - pool.PrefixLength);
        var step = 1u << (32 - length);
        for (var i = 0u; i < count; i++)
        {
            var candidate = new Ipv4Prefix(start + (i * step), length);
            if (!taken.Any(candidate.Overlaps))
            {
                return Ipv4Subnet.Parse(candidate.ToString());
            }
        }

        throw new UnavailableException($"the network pool {pool} has no free /{length} left: networks and host routes use all of it; remove a network, give a subnet, or set EngineOptions.NetworkPool");
    }
}
