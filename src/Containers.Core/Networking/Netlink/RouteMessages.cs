using System.Net;
using System.Net.NetworkInformation;
using static Containers.Networking.Netlink.RtNetlink;

namespace Containers.Networking.Netlink;

/// <summary>
/// The rtnetlink requests bridge networking sends, built as bytes and nothing more, so that
/// tests can hold each one against the layout the kernel headers define.
/// </summary>
internal static class RouteMessages
{
    private const ushort Create = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    private const ushort Change = NLM_F_REQUEST | NLM_F_ACK;

    /// <summary>RTM_NEWLINK with IFLA_LINKINFO { IFLA_INFO_KIND "bridge" }.</summary>
    public static NetlinkMessageBuilder CreateBridge(string name, int? mtu = null)
    {
        var message = new NetlinkMessageBuilder(RTM_NEWLINK, Create).IfInfo().Attribute(IFLA_IFNAME, name);
        if (mtu is { } value)
        {
            message.Attribute(IFLA_MTU, value);
        }

        var info = message.BeginNested(IFLA_LINKINFO);
        message.Attribute(IFLA_INFO_KIND, "bridge");
        return message.EndNested(info);
    }

    /// <summary>
    /// RTM_NEWLINK for a veth pair: IFLA_LINKINFO { KIND "veth", DATA { VETH_INFO_PEER {
    /// ifinfomsg, IFNAME, [ADDRESS], [NET_NS_FD] } } }. The peer is made directly in the
    /// namespace of <paramref name="peerNamespaceFd"/> when one is given.
    /// </summary>
    public static NetlinkMessageBuilder CreateVeth(string name, string peerName, int? peerNamespaceFd = null, PhysicalAddress? peerMac = null, int? mtu = null)
    {
        var message = new NetlinkMessageBuilder(RTM_NEWLINK, Create).IfInfo().Attribute(IFLA_IFNAME, name);
        if (mtu is { } value)
        {
            message.Attribute(IFLA_MTU, value);
        }

        var info = message.BeginNested(IFLA_LINKINFO);
        message.Attribute(IFLA_INFO_KIND, "veth");
        var data = message.BeginNested(IFLA_INFO_DATA);
        var peer = message.BeginNested(VETH_INFO_PEER);
        message.IfInfo().Attribute(IFLA_IFNAME, peerName);
        if (mtu is { } peerMtu)
        {
            message.Attribute(IFLA_MTU, peerMtu);
        }

        if (peerMac is not null)
        {
            message.Attribute(IFLA_ADDRESS, peerMac.GetAddressBytes());
        }

        if (peerNamespaceFd is { } fd)
        {
            message.Attribute(IFLA_NET_NS_FD, fd);
        }

        return message.EndNested(peer).EndNested(data).EndNested(info);
    }

    /// <summary>RTM_NEWLINK on an existing link with IFLA_MASTER (0 releases it from its bridge).</summary>
    public static NetlinkMessageBuilder SetMaster(int index, int masterIndex) =>
        new NetlinkMessageBuilder(RTM_NEWLINK, Change).IfInfo(index).Attribute(IFLA_MASTER, masterIndex);

    /// <summary>RTM_NEWLINK changing only IFF_UP.</summary>
    public static NetlinkMessageBuilder SetUp(int index, bool up) =>
        new NetlinkMessageBuilder(RTM_NEWLINK, Change).IfInfo(index, up ? IFF_UP : 0, IFF_UP);

    /// <summary>RTM_NEWLINK with IFLA_NET_NS_FD: moves the link into that network namespace.</summary>
    public static NetlinkMessageBuilder SetNamespace(int index, int namespaceFd) =>
        new NetlinkMessageBuilder(RTM_NEWLINK, Change).IfInfo(index).Attribute(IFLA_NET_NS_FD, namespaceFd);

    /// <summary>RTM_NEWLINK with a new IFLA_IFNAME (the link must be down).</summary>
    public static NetlinkMessageBuilder Rename(int index, string newName) =>
        new NetlinkMessageBuilder(RTM_NEWLINK, Change).IfInfo(index).Attribute(IFLA_IFNAME, newName);

    /// <summary>RTM_DELLINK by index; deleting one end of a veth pair deletes both.</summary>
    public static NetlinkMessageBuilder Delete(int index) =>
        new NetlinkMessageBuilder(RTM_DELLINK, Change).IfInfo(index);

    /// <summary>RTM_GETLINK by name: the reply is one RTM_NEWLINK describing it.</summary>
    public static NetlinkMessageBuilder GetLink(string name) =>
        new NetlinkMessageBuilder(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK).IfInfo().Attribute(IFLA_IFNAME, name);

    /// <summary>RTM_NEWADDR for IPv4: ifaddrmsg, IFA_LOCAL, IFA_ADDRESS and the broadcast address.</summary>
    public static NetlinkMessageBuilder AddAddress(int index, IPAddress address, int prefixLength)
    {
        var message = new NetlinkMessageBuilder(RTM_NEWADDR, Create)
            .IfAddr(AF_INET, (byte)prefixLength, index)
            .Attribute(IFA_LOCAL, address)
            .Attribute(IFA_ADDRESS, address);
        if (prefixLength < 31)
        {
            message.Attribute(IFA_BROADCAST, Ipv4Subnet.BroadcastOf(address, prefixLength));
        }

        return message;
    }

    /// <summary>RTM_NEWROUTE: 0.0.0.0/0 via <paramref name="gateway"/> out of <paramref name="index"/>, in the main table.</summary>
    public static NetlinkMessageBuilder AddDefaultRoute(int index, IPAddress gateway) =>
        new NetlinkMessageBuilder(RTM_NEWROUTE, Create)
            .RtMsg(AF_INET, 0, RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_UNIVERSE, RTN_UNICAST)
            .Attribute(RTA_GATEWAY, gateway)
            .Attribute(RTA_OIF, index);
}
