namespace Containers.Networking.Netlink;

/// <summary>One attribute: its type (flags masked off) and its value.</summary>
internal readonly ref struct NetlinkAttribute(ushort type, ReadOnlySpan<byte> value)
{
    public ushort Type { get; } = type;

    public ReadOnlySpan<byte> Value { get; } = value;

    /// <summary>The attributes nested inside this one.</summary>
    public NetlinkAttributes Nested => new(Value);
}
