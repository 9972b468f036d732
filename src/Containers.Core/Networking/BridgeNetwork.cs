using System.Net;
using System.Net.NetworkInformation;
using System.Security.Cryptography;
using System.Text;
using Containers.Errors;
using Containers.Networking.Ipam;
using Containers.Networking.Netlink;
using Containers.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Networking;

/// <summary>
/// A Linux bridge network, set up over rtnetlink with no <c>ip</c> command: the bridge holds the
/// subnet's gateway address, and each connected container gets a veth pair whose host end is
/// enslaved to the bridge and whose other end is the container's <c>eth0</c>, with an address
/// from the subnet and a default route via the gateway. Its state (subnet and allocations) lives
/// in <see cref="BridgeNetworkOptions.StateDirectory"/>/<c>name</c>, so another process can
/// open the network and connect or disconnect containers.
/// </summary>
public sealed partial class BridgeNetwork
{
    private const string NetworkFile = "network";
    private const int MaxInterfaceName = 15;
    private const int VethHashLength = 6;

    private readonly BridgeNetworkOptions options;
    private readonly ILogger logger;
    private readonly Ipv4Allocator allocator;

    private BridgeNetwork(string name, Ipv4Subnet subnet, BridgeNetworkOptions options, ILogger logger)
    {
        Name = name;
        Subnet = subnet;
        this.options = options;
        this.logger = logger;
        StateDirectory = Path.Combine(options.StateDirectory, name);
        allocator = new Ipv4Allocator(StateDirectory, subnet);
    }

    /// <summary>The network's name, which is its bridge interface's name too.</summary>
    public string Name { get; }

    public Ipv4Subnet Subnet { get; }

    /// <summary>The bridge's address, every container's default route.</summary>
    public IPAddress Gateway => Subnet.Gateway;

    /// <summary>Where this network keeps its state.</summary>
    public string StateDirectory { get; }

    /// <summary>
    /// Creates the bridge <paramref name="name"/> with the gateway address of
    /// <paramref name="subnet"/> and brings it up. <see cref="AlreadyExistsException"/> when a
    /// network or an interface of that name exists; <see cref="InvalidArgumentException"/> for a
    /// name the kernel would refuse.
    /// </summary>
    public static async Task<BridgeNetwork> CreateAsync(string name, Ipv4Subnet subnet, BridgeNetworkOptions? options = null, ILogger<BridgeNetwork>? logger = null, CancellationToken cancellationToken = default)
    {
        ValidateInterfaceName(name, "network name");
        if (subnet.PrefixLength == 0)
        {
            throw new InvalidArgumentException($"network \"{name}\" needs a subnet such as 10.88.0.0/16");
        }

        options ??= new BridgeNetworkOptions();
        ValidateOptions(options);
        cancellationToken.ThrowIfCancellationRequested();
        var network = new BridgeNetwork(name, subnet, options, logger ?? (ILogger)NullLogger.Instance);
        var file = Path.Combine(network.StateDirectory, NetworkFile);
        if (File.Exists(file))
        {
            throw new AlreadyExistsException($"network \"{name}\" exists already (its state is in \"{network.StateDirectory}\"); delete it first or choose another name");
        }

        Directory.CreateDirectory(network.StateDirectory);
        using var stateLock = await Linux.DirectoryLock.AcquireAsync(network.StateDirectory, cancellationToken).ConfigureAwait(false);
        using var netlink = RouteNetlink.Open();
        try
        {
            netlink.CreateBridge(name, options.Mtu);
        }
        catch (AlreadyExistsException e)
        {
            TryDeleteDirectory(network.StateDirectory);
            throw new AlreadyExistsException($"network \"{name}\": a network interface named \"{name}\" exists already; choose another name", e);
        }
        catch
        {
            TryDeleteDirectory(network.StateDirectory);
            throw;
        }

        try
        {
            netlink.AddAddress(name, subnet.Gateway, subnet.PrefixLength);
            netlink.SetUp(name);
            if (options.EnableIpForwarding)
            {
                await File.WriteAllTextAsync("/proc/sys/net/ipv4/ip_forward", "1", cancellationToken).ConfigureAwait(false);
            }

            await File.WriteAllTextAsync(file + ".tmp", subnet.ToString(), cancellationToken).ConfigureAwait(false);
            File.Move(file + ".tmp", file, overwrite: true);
        }
        catch
        {
            _ = netlink.TryDelete(name);
            TryDeleteDirectory(network.StateDirectory);
            throw;
        }

        Log.Created(network.logger, name, subnet);
        return network;
    }

    /// <summary>Opens a network made by <see cref="CreateAsync"/>, here or in another process; <see cref="NotFoundException"/> when there is none.</summary>
    public static async Task<BridgeNetwork> OpenAsync(string name, BridgeNetworkOptions? options = null, ILogger<BridgeNetwork>? logger = null, CancellationToken cancellationToken = default)
    {
        ValidateInterfaceName(name, "network name");
        options ??= new BridgeNetworkOptions();
        ValidateOptions(options);
        var file = Path.Combine(options.StateDirectory, name, NetworkFile);
        string text;
        try
        {
            text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NotFoundException($"network \"{name}\" does not exist (no \"{file}\")", e);
        }

        return new BridgeNetwork(name, Ipv4Subnet.Parse(text.Trim()), options, logger ?? (ILogger)NullLogger.Instance);
    }

    /// <summary>Connects the container whose process is <paramref name="pid"/>, through <c>/proc/&lt;pid&gt;/ns/net</c>.</summary>
    public Task<NetworkEndpoint> ConnectAsync(int pid, string containerId, string? hostname = null, CancellationToken cancellationToken = default) =>
        pid > 0
            ? ConnectAsync($"/proc/{pid}/ns/net", containerId, hostname, cancellationToken)
            : throw new InvalidArgumentException($"process id {pid} is not a process");

    /// <summary>
    /// Connects the network namespace at <paramref name="networkNamespacePath"/>: a veth pair,
    /// its host end on the bridge, its other end moved into the namespace and renamed
    /// <c>eth0</c>, an address from the subnet, <c>lo</c> and <c>eth0</c> up and a default route
    /// via the gateway. <see cref="NotFoundException"/> when the namespace does not exist,
    /// <see cref="AlreadyExistsException"/> when the container is connected already. On any
    /// failure, what was made is removed again.
    /// </summary>
    public async Task<NetworkEndpoint> ConnectAsync(string networkNamespacePath, string containerId, string? hostname = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(networkNamespacePath);
        ContainerIds.Validate(containerId);
        if (hostname is not null && !HostsFile.IsValidName(hostname))
        {
            throw new InvalidArgumentException($"hostname \"{hostname}\" of container \"{containerId}\" is not valid; use letters, digits, '-', '.' and '_'");
        }

        using var netns = NetworkNamespaceHandle.Open(networkNamespacePath);
        var hostInterface = HostInterfaceName(containerId);
        var peerInterface = hostInterface + "c";
        var allocation = await allocator.AllocateAsync(containerId, hostInterface, hostname, cancellationToken).ConfigureAwait(false);
        var mac = MacFor(allocation.Address);
        var inside = options.ContainerInterfaceName;
        using var netlink = RouteNetlink.Open();
        try
        {
            netlink.CreateVeth(hostInterface, peerInterface, peerMac: mac, mtu: options.Mtu);
            netlink.SetMaster(hostInterface, Name);
            netlink.SetUp(hostInterface);
            netlink.MoveToNamespace(peerInterface, netns.Fd);
            var link = await netns.RunAsync(
                () =>
                {
                    using var container = RouteNetlink.Open();
                    container.Rename(peerInterface, inside);
                    container.AddAddress(inside, allocation.Address, Subnet.PrefixLength);
                    container.SetUp("lo");
                    container.SetUp(inside);
                    container.AddDefaultRoute(inside, Gateway);
                    return container.GetLink(inside);
                },
                cancellationToken).ConfigureAwait(false);

            var endpoint = ToEndpoint(allocation) with { MacAddress = link.Mac ?? mac };
            Log.Connected(logger, containerId, Name, endpoint.Address, hostInterface);
            return endpoint;
        }
        catch (Exception e)
        {
            Log.ConnectFailed(logger, e, containerId, Name);
            _ = netlink.TryDelete(hostInterface);
            await allocator.ReleaseAsync(containerId, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Disconnects a container: deletes its veth pair (gone already if its namespace died) and
    /// releases its address. <see cref="NotFoundException"/> when it is not connected.
    /// </summary>
    public async Task DisconnectAsync(string containerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        var allocation = (await allocator.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(a => a.ContainerId == containerId)
            ?? throw new NotFoundException($"container \"{containerId}\" is not connected to network \"{Name}\"");
        using (var netlink = RouteNetlink.Open())
        {
            _ = netlink.TryDelete(allocation.HostInterface);
        }

        await allocator.ReleaseAsync(containerId, cancellationToken).ConfigureAwait(false);
        Log.Disconnected(logger, containerId, Name);
    }

    /// <summary>The containers connected now.</summary>
    public async Task<IReadOnlyList<NetworkEndpoint>> GetEndpointsAsync(CancellationToken cancellationToken = default) =>
        [.. (await allocator.ListAsync(cancellationToken).ConfigureAwait(false)).Select(ToEndpoint)];

    /// <summary>
    /// Deletes the network: every veth it made that is still there, the bridge, and its state.
    /// A bridge that is already gone is not an error.
    /// </summary>
    public async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        var allocations = Directory.Exists(StateDirectory) ? await allocator.ListAsync(cancellationToken).ConfigureAwait(false) : [];
        using (var netlink = RouteNetlink.Open())
        {
            foreach (var allocation in allocations)
            {
                _ = netlink.TryDelete(allocation.HostInterface);
            }

            if (netlink.TryGetLink(Name) is { } bridge && bridge.Kind == "bridge")
            {
                _ = netlink.TryDelete(Name);
            }
        }

        TryDeleteDirectory(StateDirectory);
        Log.Deleted(logger, Name, allocations.Count);
    }

    /// <summary>Docker's scheme: 02:42 then the four bytes of the address, so the MAC is known before the link exists.</summary>
    internal static PhysicalAddress MacFor(IPAddress address)
    {
        var bytes = new byte[6];
        bytes[0] = 0x02;
        bytes[1] = 0x42;
        _ = address.TryWriteBytes(bytes.AsSpan(2), out _);
        return new PhysicalAddress(bytes);
    }

    /// <summary>The host-side veth: the prefix and a hash of network and container, at most 14 characters (the peer adds one).</summary>
    internal string HostInterfaceName(string containerId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{Name}/{containerId}"));
        return options.VethPrefix + Convert.ToHexStringLower(hash)[..VethHashLength];
    }

    private NetworkEndpoint ToEndpoint(Ipv4Allocation allocation) =>
        new(Name, allocation.ContainerId, allocation.Hostname, allocation.Address, Subnet.PrefixLength, Gateway, MacFor(allocation.Address), allocation.HostInterface, options.ContainerInterfaceName);

    private static void ValidateOptions(BridgeNetworkOptions options)
    {
        if (string.IsNullOrEmpty(options.VethPrefix) || options.VethPrefix.Length > MaxInterfaceName - VethHashLength - 1)
        {
            throw new InvalidArgumentException($"veth prefix \"{options.VethPrefix}\" must be 1 to {MaxInterfaceName - VethHashLength - 1} characters, so names stay within the kernel's {MaxInterfaceName}");
        }

        ValidateInterfaceName(options.VethPrefix + "x", "veth prefix");
        ValidateInterfaceName(options.ContainerInterfaceName, "container interface name");
        if (options.Mtu is { } mtu && mtu is < 68 or > 65535)
        {
            throw new InvalidArgumentException($"MTU {mtu} is out of range; use 68 to 65535");
        }

        ArgumentException.ThrowIfNullOrEmpty(options.StateDirectory);
    }

    /// <summary>What the kernel's dev_valid_name accepts: 1–15 bytes, not "." or "..", no '/', ':' or whitespace.</summary>
    private static void ValidateInterfaceName(string name, string what)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxInterfaceName || name is "." or ".." || Encoding.UTF8.GetByteCount(name) > MaxInterfaceName
            || name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new InvalidArgumentException($"{what} \"{name}\" is not a valid interface name; use 1 to {MaxInterfaceName} characters without '/', ':' or spaces");
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
