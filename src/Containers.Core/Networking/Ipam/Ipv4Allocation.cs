using System.Net;

namespace Containers.Networking.Ipam;

/// <summary>One address handed out: to which container, through which host-side veth, under which hostname.</summary>
internal sealed record Ipv4Allocation(IPAddress Address, string ContainerId, string HostInterface, string? Hostname);
