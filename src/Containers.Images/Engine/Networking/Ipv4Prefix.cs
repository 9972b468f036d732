using Containers.Networking;

namespace Containers.Images.Engine.Networking;

/// <summary>
/// An IPv4 prefix of any length (0–32), for overlap checks between subnets and host routes,
/// which may be /31 or /32 where an <see cref="Ipv4Subnet"/> stops at /30.
/// </summary>
internal readonly record struct Ipv4Prefix(uint Network, int Length)
{
    public uint Mask => Length == 0 ? 0 : uint.MaxValue << (32 - Length);

    public static Ipv4Prefix Of(Ipv4Subnet subnet) => new(subnet.NetworkValue, subnet.PrefixLength);

    /// <summary>Whether the two share an address: the shorter prefix contains the longer one's network.</summary>
    public bool Overlaps(Ipv4Prefix other)
    {
        var mask = Length < other.Length ? Mask : other.Mask;
        return (Network & mask) == (other.Network & mask);
    }

    public override string ToString() => $"{Ipv4Subnet.ToAddress(Network)}/{Length}";
}
