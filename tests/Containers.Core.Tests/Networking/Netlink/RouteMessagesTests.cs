using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.InteropServices;
using Containers.Networking.Netlink;

namespace Containers.Core.Tests.Networking.Netlink;

/// <summary>The requests held against the layouts of linux/netlink.h, rtnetlink.h, if_link.h, if_addr.h and veth.h.</summary>
public sealed class RouteMessagesTests
{
    [Test]
    public void CreateBridge_Message_MatchesTheKernelLayoutByteForByte()
    {
        var bytes = RouteMessages.CreateBridge("br0").Complete(7).ToArray();

        byte[] expected =
        [
            // nlmsghdr: len 56, RTM_NEWLINK (16), REQUEST|ACK|EXCL|CREATE (0x605), seq 7, port 0
            56, 0, 0, 0, 16, 0, 0x05, 0x06, 7, 0, 0, 0, 0, 0, 0, 0,
            // ifinfomsg: AF_UNSPEC, pad, type, index 0, flags 0, change 0
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            // IFLA_IFNAME (3): len 8, "br0\0"
            8, 0, 3, 0, (byte)'b', (byte)'r', (byte)'0', 0,
            // IFLA_LINKINFO (18): len 16, nesting IFLA_INFO_KIND (1): len 11, "bridge\0", 1 byte of padding
            16, 0, 18, 0, 11, 0, 1, 0, (byte)'b', (byte)'r', (byte)'i', (byte)'d', (byte)'g', (byte)'e', 0, 0,
        ];
        Assert.That(bytes, Is.EqualTo(expected));
    }

    [Test]
    public void Attribute_WithAnOddLength_IsPaddedToFourBytesButReportsItsOwnLength()
    {
        var bytes = new NetlinkMessageBuilder(1, 0).Attribute(3, "abcde").Attribute(4, 9u).Complete(1).ToArray();

        Assert.That(bytes, Has.Length.EqualTo(16 + 12 + 8));
        Assert.That(MemoryMarshal.Read<ushort>(bytes.AsSpan(16)), Is.EqualTo(4 + 6), "rta_len counts the NUL but not the padding");
        Assert.That(bytes.AsSpan(16 + 10, 2).ToArray(), Is.EqualTo(new byte[] { 0, 0 }), "padding is zero");
        Assert.That(MemoryMarshal.Read<ushort>(bytes.AsSpan(28)), Is.EqualTo(8), "the next attribute starts aligned");
        Assert.That(MemoryMarshal.Read<uint>(bytes.AsSpan(32)), Is.EqualTo(9u));
    }

    [Test]
    public void CreateVeth_WithAPeerInANamespace_NestsThePeersInfoUnderVethInfoPeer()
    {
        var mac = PhysicalAddress.Parse("02-42-0A-E9-01-02");
        var bytes = RouteMessages.CreateVeth("ctsthost", "ctstpeer", peerNamespaceFd: 42, peerMac: mac).Complete(1).ToArray();

        Assert.That(MemoryMarshal.Read<uint>(bytes), Is.EqualTo((uint)bytes.Length));
        var attributes = new NetlinkAttributes(bytes.AsSpan(16 + 16));
        Assert.That(attributes.FindString(RtNetlink.IFLA_IFNAME), Is.EqualTo("ctsthost"));
        Assert.That(attributes.TryFind(RtNetlink.IFLA_LINKINFO, out var linkInfo), Is.True);
        var info = new NetlinkAttributes(linkInfo);
        Assert.That(info.FindString(RtNetlink.IFLA_INFO_KIND), Is.EqualTo("veth"));
        Assert.That(info.TryFind(RtNetlink.IFLA_INFO_DATA, out var data), Is.True);
        Assert.That(new NetlinkAttributes(data).TryFind(RtNetlink.VETH_INFO_PEER, out var peer), Is.True);

        // The peer is an ifinfomsg followed by its own attributes.
        Assert.That(peer.Length, Is.GreaterThan(16));
        Assert.That(peer[..16].ToArray(), Is.All.EqualTo(0));
        var peerAttributes = new NetlinkAttributes(peer[16..]);
        Assert.That(peerAttributes.FindString(RtNetlink.IFLA_IFNAME), Is.EqualTo("ctstpeer"));
        Assert.That(peerAttributes.FindUInt32(RtNetlink.IFLA_NET_NS_FD), Is.EqualTo(42u));
        Assert.That(peerAttributes.TryFind(RtNetlink.IFLA_ADDRESS, out var address) ? address.ToArray() : null, Is.EqualTo(mac.GetAddressBytes()));
    }

    [Test]
    public void SetUp_ChangesOnlyTheUpFlag()
    {
        var up = RouteMessages.SetUp(5, up: true).Complete(1).ToArray();
        var down = RouteMessages.SetUp(5, up: false).Complete(1).ToArray();

        Assert.That(up.AsSpan(16, 16).ToArray(), Is.EqualTo(new byte[] { 0, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 }));
        Assert.That(down.AsSpan(16, 16).ToArray(), Is.EqualTo(new byte[] { 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0 }));
        Assert.That(MemoryMarshal.Read<ushort>(up.AsSpan(6)), Is.EqualTo(RtNetlink.NLM_F_REQUEST | RtNetlink.NLM_F_ACK), "no CREATE or EXCL on a change");
    }

    [Test]
    public void AddAddress_CarriesLocalAddressAndBroadcastInNetworkOrder()
    {
        var bytes = RouteMessages.AddAddress(7, IPAddress.Parse("10.233.1.2"), 24).Complete(1).ToArray();

        Assert.That(MemoryMarshal.Read<ushort>(bytes.AsSpan(4)), Is.EqualTo(RtNetlink.RTM_NEWADDR));
        // ifaddrmsg: AF_INET, /24, flags 0, scope universe, index 7
        Assert.That(bytes.AsSpan(16, 8).ToArray(), Is.EqualTo(new byte[] { 2, 24, 0, 0, 7, 0, 0, 0 }));
        // IFA_LOCAL (2), IFA_ADDRESS (1), IFA_BROADCAST (4): 8 bytes each
        Assert.That(bytes.AsSpan(24).ToArray(), Is.EqualTo(new byte[]
        {
            8, 0, 2, 0, 10, 233, 1, 2,
            8, 0, 1, 0, 10, 233, 1, 2,
            8, 0, 4, 0, 10, 233, 1, 255,
        }));
    }

    [Test]
    public void AddDefaultRoute_IsAMainTableUnicastRouteWithGatewayAndOutputInterface()
    {
        var bytes = RouteMessages.AddDefaultRoute(3, IPAddress.Parse("10.233.1.1")).Complete(1).ToArray();

        Assert.That(MemoryMarshal.Read<ushort>(bytes.AsSpan(4)), Is.EqualTo(RtNetlink.RTM_NEWROUTE));
        // rtmsg: AF_INET, dst_len 0, src_len 0, tos 0, main (254), boot (3), universe (0), unicast (1), flags 0
        Assert.That(bytes.AsSpan(16, 12).ToArray(), Is.EqualTo(new byte[] { 2, 0, 0, 0, 254, 3, 0, 1, 0, 0, 0, 0 }));
        Assert.That(bytes.AsSpan(28).ToArray(), Is.EqualTo(new byte[] { 8, 0, 5, 0, 10, 233, 1, 1, 8, 0, 4, 0, 3, 0, 0, 0 }));
    }
}
