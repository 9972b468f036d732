using System.Runtime.InteropServices;
using System.Text;

namespace Containers.Networking.Netlink;

/// <summary>
/// The attributes of a netlink message or of a nested attribute, read in place from a span:
/// each a 4-byte <c>rtattr</c> (length, type) and its value, 4-byte aligned. A truncated or
/// malformed attribute ends the walk rather than reading past the span.
/// </summary>
internal readonly ref struct NetlinkAttributes
{
    private readonly ReadOnlySpan<byte> data;

    public NetlinkAttributes(ReadOnlySpan<byte> data) => this.data = data;

    public Enumerator GetEnumerator() => new(data);

    /// <summary>The value of the first attribute of <paramref name="type"/> (the nested and byte-order flags ignored).</summary>
    public bool TryFind(ushort type, out ReadOnlySpan<byte> value)
    {
        foreach (var attribute in this)
        {
            if (attribute.Type == type)
            {
                value = attribute.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    public uint? FindUInt32(ushort type) =>
        TryFind(type, out var value) && value.Length >= 4 ? MemoryMarshal.Read<uint>(value) : null;

    /// <summary>A NUL-terminated (or unterminated) string attribute.</summary>
    public string? FindString(ushort type)
    {
        if (!TryFind(type, out var value))
        {
            return null;
        }

        var end = value.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? value[..end] : value);
    }

    public ref struct Enumerator
    {
        private ReadOnlySpan<byte> rest;

        internal Enumerator(ReadOnlySpan<byte> data) => rest = data;

        public NetlinkAttribute Current { get; private set; }

        public bool MoveNext()
        {
            if (rest.Length < RtNetlink.AttributeHeaderSize)
            {
                return false;
            }

            var length = MemoryMarshal.Read<ushort>(rest);
            var type = MemoryMarshal.Read<ushort>(rest[2..]);
            if (length < RtNetlink.AttributeHeaderSize || length > rest.Length)
            {
                rest = default;
                return false;
            }

            Current = new NetlinkAttribute((ushort)(type & RtNetlink.NLA_TYPE_MASK), rest[RtNetlink.AttributeHeaderSize..length]);
            rest = rest[Math.Min(RtNetlink.Align(length), rest.Length)..];
            return true;
        }
    }
}
