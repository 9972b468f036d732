using System.Net;
using System.Net.NetworkInformation;

namespace Containers.Networking;

/// <summary>A container's attachment to a <see cref="BridgeNetwork"/>.</summary>
/// <param name="Network">The network's name, which is also its bridge's.</param>
/// <param name="ContainerId">The container it belongs to.</param>
/// <param name="Hostname">The name other containers on the network know it by, if any.</param>
/// <param name="Address">Its IPv4 address.</param>
/// <param name="PrefixLength">The network's prefix length.</param>
/// <param name="Gateway">The bridge's address, its default route.</param>
/// <param name="MacAddress">The MAC address of its interface.</param>
/// <param name="HostInterface">The host-side veth, enslaved to the bridge.</param>
/// <param name="ContainerInterface">The interface inside the container (<c>eth0</c>).</param>
public sealed record NetworkEndpoint(
    string Network,
    string ContainerId,
    string? Hostname,
    IPAddress Address,
    int PrefixLength,
    IPAddress Gateway,
    PhysicalAddress MacAddress,
    string HostInterface,
    string ContainerInterface);
