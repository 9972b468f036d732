namespace Containers.Networking.Netlink;

/// <summary>
/// The numbers of rtnetlink, from the kernel's uapi headers (<c>linux/netlink.h</c>,
/// <c>rtnetlink.h</c>, <c>if_link.h</c>, <c>if_addr.h</c>, <c>veth.h</c>). They are part of the
/// kernel's ABI and the same on every architecture.
/// </summary>
internal static class RtNetlink
{
    // netlink.h: struct nlmsghdr is 16 bytes, messages and attributes are 4-byte aligned.
    public const int HeaderSize = 16;
    public const int Alignment = 4;
    public const int AttributeHeaderSize = 4;

    public const ushort NLMSG_NOOP = 1;
    public const ushort NLMSG_ERROR = 2;
    public const ushort NLMSG_DONE = 3;

    public const ushort NLM_F_REQUEST = 0x1;
    public const ushort NLM_F_MULTI = 0x2;
    public const ushort NLM_F_ACK = 0x4;
    public const ushort NLM_F_DUMP = 0x300;
    public const ushort NLM_F_EXCL = 0x200;
    public const ushort NLM_F_CREATE = 0x400;

    // Flags of an NLMSG_ERROR reply (extended acknowledgements).
    public const ushort NLM_F_CAPPED = 0x100;
    public const ushort NLM_F_ACK_TLVS = 0x200;
    public const ushort NLMSGERR_ATTR_MSG = 1;

    public const ushort NLA_F_NESTED = 0x8000;
    public const ushort NLA_TYPE_MASK = 0x3FFF;

    // rtnetlink.h message types.
    public const ushort RTM_NEWLINK = 16;
    public const ushort RTM_DELLINK = 17;
    public const ushort RTM_GETLINK = 18;
    public const ushort RTM_NEWADDR = 20;
    public const ushort RTM_NEWROUTE = 24;

    // struct ifinfomsg (16 bytes), struct ifaddrmsg (8 bytes), struct rtmsg (12 bytes).
    public const int IfInfoSize = 16;
    public const int IfAddrSize = 8;
    public const int RtMsgSize = 12;

    public const byte AF_UNSPEC = 0;
    public const byte AF_INET = 2;

    // if_link.h: IFLA_*.
    public const ushort IFLA_ADDRESS = 1;
    public const ushort IFLA_IFNAME = 3;
    public const ushort IFLA_MTU = 4;
    public const ushort IFLA_MASTER = 10;
    public const ushort IFLA_LINKINFO = 18;
    public const ushort IFLA_NET_NS_FD = 28;
    public const ushort IFLA_INFO_KIND = 1;
    public const ushort IFLA_INFO_DATA = 2;

    // veth.h.
    public const ushort VETH_INFO_PEER = 1;

    // if_addr.h: IFA_*.
    public const ushort IFA_ADDRESS = 1;
    public const ushort IFA_LOCAL = 2;
    public const ushort IFA_BROADCAST = 4;

    // rtnetlink.h: RTA_*, tables, protocols, scopes and route types.
    public const ushort RTA_DST = 1;
    public const ushort RTA_OIF = 4;
    public const ushort RTA_GATEWAY = 5;
    public const byte RT_TABLE_MAIN = 254;
    public const byte RTPROT_BOOT = 3;
    public const byte RT_SCOPE_UNIVERSE = 0;
    public const byte RTN_UNICAST = 1;

    // if.h: net_device_flags.
    public const uint IFF_UP = 0x1;
    public const uint IFF_LOWER_UP = 0x10000;

    /// <summary>Rounds a length up to netlink's 4-byte alignment (NLMSG_ALIGN, RTA_ALIGN).</summary>
    public static int Align(int length) => (length + Alignment - 1) & ~(Alignment - 1);
}
