using System.Net;
using System.Runtime.InteropServices;
using System.Text;

namespace Containers.Networking.Netlink;

/// <summary>
/// Builds one netlink request: the 16-byte <c>nlmsghdr</c>, a family header
/// (<c>ifinfomsg</c>, <c>ifaddrmsg</c> or <c>rtmsg</c>), then attributes, each a 4-byte
/// <c>rtattr</c> (length, type) and its value padded to 4 bytes. Nested attributes are opened
/// with <see cref="BeginNested"/> and their length is filled in by <see cref="EndNested"/>.
/// Integers are in host byte order, as netlink wants; addresses in network order.
/// </summary>
internal sealed class NetlinkMessageBuilder
{
    private byte[] buffer = new byte[256];
    private int length;

    public NetlinkMessageBuilder(ushort type, ushort flags)
    {
        Type = type;
        Flags = flags;
        length = RtNetlink.HeaderSize;
    }

    public ushort Type { get; }

    public ushort Flags { get; }

    /// <summary>The message so far, header included (its length and sequence are set by <see cref="Complete"/>).</summary>
    public ReadOnlySpan<byte> Written => buffer.AsSpan(0, length);

    /// <summary><c>struct ifinfomsg</c>: family, pad, type, index, flags, change.</summary>
    public NetlinkMessageBuilder IfInfo(int index = 0, uint flags = 0, uint change = 0, byte family = RtNetlink.AF_UNSPEC)
    {
        var span = Reserve(RtNetlink.IfInfoSize);
        span[0] = family;
        Write(span[4..], index);
        Write(span[8..], flags);
        Write(span[12..], change);
        return this;
    }

    /// <summary><c>struct ifaddrmsg</c>: family, prefix length, flags, scope, index.</summary>
    public NetlinkMessageBuilder IfAddr(byte family, byte prefixLength, int index, byte scope = RtNetlink.RT_SCOPE_UNIVERSE)
    {
        var span = Reserve(RtNetlink.IfAddrSize);
        span[0] = family;
        span[1] = prefixLength;
        span[3] = scope;
        Write(span[4..], index);
        return this;
    }

    /// <summary><c>struct rtmsg</c>: family, dst_len, src_len, tos, table, protocol, scope, type, flags.</summary>
    public NetlinkMessageBuilder RtMsg(byte family, byte destinationLength, byte table, byte protocol, byte scope, byte type)
    {
        var span = Reserve(RtNetlink.RtMsgSize);
        span[0] = family;
        span[1] = destinationLength;
        span[4] = table;
        span[5] = protocol;
        span[6] = scope;
        span[7] = type;
        return this;
    }

    public NetlinkMessageBuilder Attribute(ushort type, ReadOnlySpan<byte> value)
    {
        var total = RtNetlink.AttributeHeaderSize + value.Length;
        var span = Reserve(RtNetlink.Align(total));
        Write(span, (ushort)total);
        Write(span[2..], type);
        value.CopyTo(span[RtNetlink.AttributeHeaderSize..]);
        return this;
    }

    /// <summary>A NUL-terminated string, as the kernel's NLA_STRING and interface names are sent.</summary>
    public NetlinkMessageBuilder Attribute(ushort type, string value)
    {
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetByteCount(value) + 1];
        bytes[Encoding.UTF8.GetBytes(value, bytes)] = 0;
        return Attribute(type, bytes);
    }

    public NetlinkMessageBuilder Attribute(ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        Write(bytes, value);
        return Attribute(type, bytes);
    }

    public NetlinkMessageBuilder Attribute(ushort type, int value) => Attribute(type, unchecked((uint)value));

    /// <summary>An IPv4 address, in network byte order.</summary>
    public NetlinkMessageBuilder Attribute(ushort type, IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        _ = address.TryWriteBytes(bytes, out var written);
        return Attribute(type, bytes[..written]);
    }

    /// <summary>Opens a nested attribute; returns where it starts, for <see cref="EndNested"/>.</summary>
    public int BeginNested(ushort type)
    {
        var start = length;
        var span = Reserve(RtNetlink.AttributeHeaderSize);
        Write(span[2..], type);
        return start;
    }

    /// <summary>Closes the nested attribute that starts at <paramref name="start"/>: its length covers everything since.</summary>
    public NetlinkMessageBuilder EndNested(int start)
    {
        Write(buffer.AsSpan(start), (ushort)(length - start));
        return this;
    }

    /// <summary>Fills in the header (length, type, flags, sequence, port 0) and returns the whole message.</summary>
    public ReadOnlySpan<byte> Complete(uint sequence)
    {
        var span = buffer.AsSpan();
        Write(span, (uint)length);
        Write(span[4..], Type);
        Write(span[6..], Flags);
        Write(span[8..], sequence);
        Write(span[12..], 0u);
        return span[..length];
    }

    private Span<byte> Reserve(int size)
    {
        if (length + size > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + size));
        }

        var span = buffer.AsSpan(length, size);
        span.Clear();
        length += size;
        return span;
    }

    private static void Write<T>(Span<byte> destination, T value)
        where T : unmanaged => MemoryMarshal.Write(destination, in value);
}
