using System.Net;
using System.Net.NetworkInformation;

namespace Containers.Images.Engine;

/// <summary>A container attached to a network.</summary>
/// <param name="Id">The container's id.</param>
/// <param name="Name">Its name (the id's first 12 characters for a container another engine made).</param>
/// <param name="IPAddress">Its address on the network.</param>
/// <param name="MacAddress">The MAC address of its interface.</param>
/// <param name="HostInterface">The host-side veth on the bridge.</param>
public sealed record NetworkContainer(string Id, string Name, IPAddress IPAddress, PhysicalAddress MacAddress, string HostInterface);
