using System.Net.NetworkInformation;
using System.Runtime.InteropServices;

namespace Containers.Networking.Netlink;

/// <summary>A network interface as an RTM_NEWLINK message describes it.</summary>
/// <param name="Index">The interface index.</param>
/// <param name="Name">IFLA_IFNAME.</param>
/// <param name="Flags">The <c>IFF_*</c> flags (<c>IFF_UP</c> is 1).</param>
/// <param name="Mtu">IFLA_MTU.</param>
/// <param name="Mac">IFLA_ADDRESS, when the link has one.</param>
/// <param name="MasterIndex">IFLA_MASTER: the bridge it is enslaved to, or 0.</param>
/// <param name="Kind">IFLA_INFO_KIND (<c>bridge</c>, <c>veth</c>), when the link has one.</param>
internal sealed record NetlinkLink(int Index, string Name, uint Flags, int Mtu, PhysicalAddress? Mac, int MasterIndex, string? Kind)
{
    public bool IsUp => (Flags & RtNetlink.IFF_UP) != 0;

    /// <summary>Reads the payload of an RTM_NEWLINK message: ifinfomsg, then attributes.</summary>
    public static NetlinkLink Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < RtNetlink.IfInfoSize)
        {
            throw new InvalidDataException($"an RTM_NEWLINK payload of {payload.Length} bytes is shorter than struct ifinfomsg");
        }

        var index = MemoryMarshal.Read<int>(payload[4..]);
        var flags = MemoryMarshal.Read<uint>(payload[8..]);
        var attributes = new NetlinkAttributes(payload[RtNetlink.IfInfoSize..]);
        PhysicalAddress? mac = null;
        if (attributes.TryFind(RtNetlink.IFLA_ADDRESS, out var address))
        {
            mac = new PhysicalAddress(address.ToArray());
        }

        string? kind = null;
        if (attributes.TryFind(RtNetlink.IFLA_LINKINFO, out var info))
        {
            kind = new NetlinkAttributes(info).FindString(RtNetlink.IFLA_INFO_KIND);
        }

        return new NetlinkLink(
            index,
            attributes.FindString(RtNetlink.IFLA_IFNAME) ?? string.Empty,
            flags,
            (int)(attributes.FindUInt32(RtNetlink.IFLA_MTU) ?? 0),
            mac,
            (int)(attributes.FindUInt32(RtNetlink.IFLA_MASTER) ?? 0),
            kind);
    }
}
