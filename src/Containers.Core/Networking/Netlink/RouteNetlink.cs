using System.Net;
using System.Net.NetworkInformation;
using Containers.Errors;

namespace Containers.Networking.Netlink;

/// <summary>
/// The link, address and route operations of bridge networking over one
/// <see cref="NetlinkSocket"/>, in the namespace that socket was made in. Each failure names
/// the operation and the interface: <c>netlink create veth "ctst1a2b3c" with peer "…": File exists (errno 17)</c>.
/// </summary>
internal sealed class RouteNetlink : IDisposable
{
    private readonly NetlinkSocket socket;

    private RouteNetlink(NetlinkSocket socket) => this.socket = socket;

    /// <summary>Operations in the calling thread's network namespace.</summary>
    public static RouteNetlink Open() => new(NetlinkSocket.Open());

    public void CreateBridge(string name, int? mtu = null) =>
        socket.Request(RouteMessages.CreateBridge(name, mtu), $"create bridge \"{name}\"");

    public void CreateVeth(string name, string peerName, int? peerNamespaceFd = null, PhysicalAddress? peerMac = null, int? mtu = null) =>
        socket.Request(RouteMessages.CreateVeth(name, peerName, peerNamespaceFd, peerMac, mtu), $"create veth \"{name}\" with peer \"{peerName}\"");

    public void SetMaster(string name, string master) =>
        socket.Request(RouteMessages.SetMaster(IndexOf(name), IndexOf(master)), $"attach \"{name}\" to bridge \"{master}\"");

    public void SetUp(string name, bool up = true) =>
        socket.Request(RouteMessages.SetUp(IndexOf(name), up), $"set \"{name}\" {(up ? "up" : "down")}");

    public void MoveToNamespace(string name, int namespaceFd) =>
        socket.Request(RouteMessages.SetNamespace(IndexOf(name), namespaceFd), $"move \"{name}\" to network namespace fd {namespaceFd}");

    public void Rename(string name, string newName) =>
        socket.Request(RouteMessages.Rename(IndexOf(name), newName), $"rename \"{name}\" to \"{newName}\"");

    public void Delete(string name) =>
        socket.Request(RouteMessages.Delete(IndexOf(name)), $"delete link \"{name}\"");

    /// <summary>Deletes the link if it is there; false when it was not.</summary>
    public bool TryDelete(string name)
    {
        if (TryGetLink(name) is not { } link)
        {
            return false;
        }

        try
        {
            socket.Request(RouteMessages.Delete(link.Index), $"delete link \"{name}\"");
            return true;
        }
        catch (NotFoundException)
        {
            // Gone meanwhile, with its peer or its namespace.
            return false;
        }
    }

    public void AddAddress(string name, IPAddress address, int prefixLength) =>
        socket.Request(RouteMessages.AddAddress(IndexOf(name), address, prefixLength), $"add address {address}/{prefixLength} to \"{name}\"");

    public void AddDefaultRoute(string name, IPAddress gateway) =>
        socket.Request(RouteMessages.AddDefaultRoute(IndexOf(name), gateway), $"add default route via {gateway} on \"{name}\"");

    /// <summary>The link called <paramref name="name"/>; <see cref="NotFoundException"/> when there is none.</summary>
    public NetlinkLink GetLink(string name) =>
        TryGetLink(name) ?? throw new NotFoundException($"network interface \"{name}\" does not exist");

    public NetlinkLink? TryGetLink(string name)
    {
        NetlinkLink? found = null;
        try
        {
            socket.Request(RouteMessages.GetLink(name), $"get link \"{name}\"", (in NetlinkMessage reply) =>
            {
                if (reply.Type == RtNetlink.RTM_NEWLINK)
                {
                    found = NetlinkLink.Parse(reply.Payload);
                }
            });
        }
        catch (NotFoundException)
        {
            return null;
        }

        return found;
    }

    private int IndexOf(string name) => GetLink(name).Index;

    public void Dispose() => socket.Dispose();
}
