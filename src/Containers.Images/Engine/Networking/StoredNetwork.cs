namespace Containers.Images.Engine.Networking;

/// <summary>
/// The engine's record of a bridge network, kept as <c>engine-network.json</c> beside the
/// <see cref="Containers.Networking.BridgeNetwork"/>'s own state in <c>&lt;root&gt;/networks/&lt;bridge&gt;/</c>.
/// </summary>
internal sealed record StoredNetwork
{
    public required string Name { get; init; }

    public required string Id { get; init; }

    /// <summary>The bridge interface, which is also the <see cref="Containers.Networking.BridgeNetwork"/>'s name.</summary>
    public required string BridgeName { get; init; }

    /// <summary>Its subnet, as <c>10.89.0.0/24</c>.</summary>
    public required string Subnet { get; init; }

    public required DateTimeOffset Created { get; init; }
}
