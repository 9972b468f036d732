using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using Containers.Errors;

namespace Containers.Networking;

/// <summary>
/// An IPv4 subnet such as <c>10.88.0.0/16</c>, validated when it is made: the prefix is 1–30
/// (room for a gateway and at least one container) and no host bits are set.
/// </summary>
public readonly record struct Ipv4Subnet
{
    private Ipv4Subnet(uint network, int prefixLength)
    {
        NetworkValue = network;
        PrefixLength = prefixLength;
    }

    /// <summary>The prefix length, 1 to 30.</summary>
    public int PrefixLength { get; }

    /// <summary>The network address.</summary>
    public IPAddress Network => ToAddress(NetworkValue);

    /// <summary>The first host: <c>.1</c> in a /24, the bridge's own address.</summary>
    public IPAddress Gateway => ToAddress(NetworkValue + 1);

    /// <summary>The broadcast address, the last of the subnet.</summary>
    public IPAddress Broadcast => ToAddress(NetworkValue | ~Mask);

    /// <summary>How many addresses containers can have: all but the network, the gateway and the broadcast address.</summary>
    public int ContainerCapacity => (int)(~Mask - 2);

    internal uint NetworkValue { get; }

    internal uint Mask => uint.MaxValue << (32 - PrefixLength);

    /// <summary>Parses <c>a.b.c.d/n</c>; <see cref="InvalidArgumentException"/> says what is wrong.</summary>
    public static Ipv4Subnet Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var subnet, out var error) ? subnet : throw new InvalidArgumentException(error);
    }

    public static bool TryParse(ReadOnlySpan<char> text, out Ipv4Subnet subnet) => TryParse(text, out subnet, out _);

    private static bool TryParse(ReadOnlySpan<char> text, out Ipv4Subnet subnet, [NotNullWhen(false)] out string? error)
    {
        subnet = default;
        var slash = text.IndexOf('/');
        if (slash < 0)
        {
            error = $"subnet \"{text}\" has no prefix length; write it as 10.88.0.0/16";
            return false;
        }

        if (!IPAddress.TryParse(text[..slash], out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || text[..slash].Count('.') != 3)
        {
            error = $"subnet \"{text}\" does not start with an IPv4 address";
            return false;
        }

        if (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix is < 1 or > 30)
        {
            error = $"subnet \"{text}\" has prefix length \"{text[(slash + 1)..]}\"; it must be 1 to 30, to leave room for a gateway and a container";
            return false;
        }

        var value = ToValue(address);
        var mask = uint.MaxValue << (32 - prefix);
        if ((value & ~mask) != 0)
        {
            error = $"subnet \"{text}\" has host bits set; did you mean {ToAddress(value & mask)}/{prefix}?";
            return false;
        }

        subnet = new Ipv4Subnet(value, prefix);
        error = null;
        return true;
    }

    /// <summary>Whether <paramref name="address"/> lies in this subnet.</summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && (ToValue(address) & Mask) == NetworkValue;
    }

    /// <summary>The <paramref name="offset"/>-th address of the subnet (0 is the network address).</summary>
    internal IPAddress AddressAt(uint offset) => ToAddress(NetworkValue + offset);

    internal uint OffsetOf(IPAddress address) => ToValue(address) - NetworkValue;

    public override string ToString() => $"{Network}/{PrefixLength}";

    internal static IPAddress BroadcastOf(IPAddress address, int prefixLength) =>
        ToAddress(ToValue(address) | ~(uint.MaxValue << (32 - prefixLength)));

    internal static uint ToValue(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        _ = address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    internal static IPAddress ToAddress(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}
