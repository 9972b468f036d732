using System.Runtime.InteropServices;

namespace Containers.Networking.Netlink;

/// <summary>One message of a netlink reply, read in place: its header fields and its payload (what follows the 16-byte header).</summary>
internal readonly ref struct NetlinkMessage(ushort type, ushort flags, uint sequence, ReadOnlySpan<byte> payload)
{
    public ushort Type { get; } = type;

    public ushort Flags { get; } = flags;

    public uint Sequence { get; } = sequence;

    public ReadOnlySpan<byte> Payload { get; } = payload;

    /// <summary>
    /// For an NLMSG_ERROR message: the errno (positive; 0 for an acknowledgement) and the
    /// kernel's extended-ack text when it sent one.
    /// </summary>
    public int ReadError(out string? kernelMessage)
    {
        kernelMessage = null;
        if (Payload.Length < 4)
        {
            return 0;
        }

        var error = -MemoryMarshal.Read<int>(Payload);
        if ((Flags & RtNetlink.NLM_F_ACK_TLVS) != 0)
        {
            // struct nlmsgerr: the error, then the request's header, or the whole request unless capped.
            var request = Payload[4..];
            var skip = RtNetlink.HeaderSize;
            if ((Flags & RtNetlink.NLM_F_CAPPED) == 0 && request.Length >= 4)
            {
                skip = RtNetlink.Align((int)MemoryMarshal.Read<uint>(request));
            }

            if (skip <= request.Length)
            {
                kernelMessage = new NetlinkAttributes(request[skip..]).FindString(RtNetlink.NLMSGERR_ATTR_MSG);
            }
        }

        return error;
    }

    /// <summary>The messages in one datagram read from a netlink socket.</summary>
    public static Enumerator Parse(ReadOnlySpan<byte> datagram) => new(datagram);

    public ref struct Enumerator
    {
        private ReadOnlySpan<byte> rest;

        internal Enumerator(ReadOnlySpan<byte> data) => rest = data;

        public NetlinkMessage Current { get; private set; }

        public readonly Enumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (rest.Length < RtNetlink.HeaderSize)
            {
                return false;
            }

            var length = (int)MemoryMarshal.Read<uint>(rest);
            if (length < RtNetlink.HeaderSize || length > rest.Length)
            {
                rest = default;
                return false;
            }

            Current = new NetlinkMessage(
                MemoryMarshal.Read<ushort>(rest[4..]),
                MemoryMarshal.Read<ushort>(rest[6..]),
                MemoryMarshal.Read<uint>(rest[8..]),
                rest[RtNetlink.HeaderSize..length]);
            rest = rest[Math.Min(RtNetlink.Align(length), rest.Length)..];
            return true;
        }
    }
}
