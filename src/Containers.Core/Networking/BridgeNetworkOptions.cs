namespace Containers.Networking;

/// <summary>Settings of <see cref="BridgeNetwork"/>.</summary>
public sealed class BridgeNetworkOptions
{
    /// <summary>Where each network keeps its state (its subnet and address allocations), one directory per network.</summary>
    public string StateDirectory { get; set; } = Path.Combine(ContainersPaths.DefaultRoot, "networks");

    /// <summary>
    /// Turn on the host's IPv4 forwarding (<c>net.ipv4.ip_forward</c>) when a network is
    /// created, so containers can reach beyond the bridge. Off by default: it changes the host.
    /// </summary>
    public bool EnableIpForwarding { get; set; }

    /// <summary>The MTU of the bridge and the veths; the kernel's default (1500) when null.</summary>
    public int? Mtu { get; set; }

    /// <summary>
    /// The start of every host-side veth's name, up to 8 characters; a hash of the network and
    /// the container follows, so names stay within the kernel's 15.
    /// </summary>
    public string VethPrefix { get; set; } = "veth";

    /// <summary>The name of the interface inside the container.</summary>
    public string ContainerInterfaceName { get; set; } = "eth0";
}
