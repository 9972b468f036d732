using Containers.Networking;

namespace Containers.Images.Engine;

public sealed partial class EngineOptions
{
    /// <summary>The network of a container whose spec names none: <c>"bridge"</c>, as Docker's, <c>"host"</c>, <c>"none"</c> or a created network's name.</summary>
    public string DefaultNetwork { get; set; } = "bridge";

    /// <summary>
    /// The interface of the default <c>"bridge"</c> network (Docker's <c>docker0</c>). The
    /// network is made on first use and stays, with its state in <c>&lt;root&gt;/networks</c>.
    /// </summary>
    public string DefaultBridgeInterface { get; set; } = "ctr0";

    /// <summary>The subnet of the default <c>"bridge"</c> network; the bridge holds its first address.</summary>
    public Ipv4Subnet DefaultBridgeSubnet { get; set; } = Ipv4Subnet.Parse("10.88.0.0/16");

    /// <summary>Where a network created with no subnet gets one: the first /24 in here that no network or host route uses.</summary>
    public Ipv4Subnet NetworkPool { get; set; } = Ipv4Subnet.Parse("10.89.0.0/16");

    /// <summary>The start of the host-side veth names (up to 8 characters); a hash of network and container follows.</summary>
    public string VethPrefix { get; set; } = "veth";
}
