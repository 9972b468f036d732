using System.Runtime.InteropServices;
using Containers.Errors;
using Containers.Networking.Netlink;

namespace Containers.Core.Tests.Networking.Netlink;

/// <summary>Replies parsed from spans: acknowledgements, errors with extended acks, and links.</summary>
public sealed class NetlinkReplyTests
{
    [Test]
    public void ReadError_WithAnExtendedAck_ReturnsTheErrnoAndTheKernelsMessage()
    {
        var datagram = ErrorReply(-17, "Link exists", seq: 9);

        var messages = new List<(ushort Type, uint Seq, int Errno, string? Text)>();
        foreach (var message in NetlinkMessage.Parse(datagram))
        {
            var errno = message.ReadError(out var text);
            messages.Add((message.Type, message.Sequence, errno, text));
        }

        Assert.That(messages, Is.EqualTo(new[] { (RtNetlink.NLMSG_ERROR, 9u, 17, (string?)"Link exists") }));
    }

    [Test]
    public void ReadError_OfAnAcknowledgement_IsZero()
    {
        var datagram = ErrorReply(0, null, seq: 3);
        var errno = -1;
        foreach (var message in NetlinkMessage.Parse(datagram))
        {
            errno = message.ReadError(out _);
        }

        Assert.That(errno, Is.Zero);
    }

    [TestCase(17, typeof(AlreadyExistsException))]
    [TestCase(19, typeof(NotFoundException))]
    [TestCase(22, typeof(InvalidArgumentException))]
    [TestCase(34, typeof(InvalidArgumentException))]
    public void ToException_MapsTheErrnoToATypedErrorNamingTheOperation(int errno, Type expected)
    {
        var exception = NetlinkSocket.ToException(errno, "create bridge \"ctstbr\"", "kernel says no");

        Assert.That(exception, Is.TypeOf(expected));
        Assert.That(exception.Message, Does.Contain("create bridge \"ctstbr\"").And.Contain("kernel says no").And.Contain($"errno {errno}"));
    }

    [Test]
    public void NetlinkLink_Parse_ReadsIndexFlagsNameMtuMacMasterAndKind()
    {
        var payload = new NetlinkMessageBuilder(RtNetlink.RTM_NEWLINK, 0)
            .IfInfo(index: 12, flags: RtNetlink.IFF_UP | RtNetlink.IFF_LOWER_UP)
            .Attribute(RtNetlink.IFLA_IFNAME, "ctstx")
            .Attribute(RtNetlink.IFLA_MTU, 1400)
            .Attribute(RtNetlink.IFLA_ADDRESS, [2, 0x42, 10, 233, 1, 2])
            .Attribute(RtNetlink.IFLA_MASTER, 4);
        var info = payload.BeginNested(RtNetlink.IFLA_LINKINFO);
        payload.Attribute(RtNetlink.IFLA_INFO_KIND, "veth").EndNested(info);

        var link = NetlinkLink.Parse(payload.Complete(1)[16..]);

        Assert.That((link.Index, link.Name, link.IsUp, link.Mtu, link.MasterIndex, link.Kind), Is.EqualTo((12, "ctstx", true, 1400, 4, "veth")));
        Assert.That(link.Mac?.ToString(), Is.EqualTo("02420AE90102"));
    }

    [Test]
    public void Attributes_WithALengthPastTheEnd_StopRatherThanReadBeyond()
    {
        byte[] data = [8, 0, 3, 0, (byte)'a', 0, 0, 0, 40, 0, 4, 0, 1, 2];
        var types = new List<ushort>();
        foreach (var attribute in new NetlinkAttributes(data))
        {
            types.Add(attribute.Type);
        }

        Assert.That(types, Is.EqualTo(new ushort[] { 3 }));
    }

    /// <summary>An NLMSG_ERROR as the kernel sends it with NETLINK_CAP_ACK and NETLINK_EXT_ACK on: error, the request's header, then TLVs.</summary>
    private static byte[] ErrorReply(int error, string? text, uint seq)
    {
        var flags = text is null ? RtNetlink.NLM_F_CAPPED : (ushort)(RtNetlink.NLM_F_CAPPED | RtNetlink.NLM_F_ACK_TLVS);
        var bytes = new List<byte>(new NetlinkMessageBuilder(RtNetlink.NLMSG_ERROR, flags).Complete(seq).ToArray());
        var body = new byte[4 + 16];
        MemoryMarshal.Write(body, in error);
        MemoryMarshal.Write(body.AsSpan(4), 32u);
        MemoryMarshal.Write(body.AsSpan(12), in seq);
        bytes.AddRange(body);
        if (text is not null)
        {
            bytes.AddRange(new NetlinkMessageBuilder(0, 0).Attribute(RtNetlink.NLMSGERR_ATTR_MSG, text).Complete(0)[16..].ToArray());
        }

        var result = bytes.ToArray();
        MemoryMarshal.Write(result, (uint)result.Length);
        return result;
    }
}
