using System.Net;
using Containers.Networking;

namespace Containers.Images.Engine;

/// <summary>What <c>docker network inspect</c> tells about a bridge network of the engine.</summary>
public sealed record NetworkInfo
{
    public required string Name { get; init; }

    /// <summary>A 64-hex id.</summary>
    public required string Id { get; init; }

    /// <summary>Always <c>"bridge"</c> so far.</summary>
    public string Driver { get; init; } = "bridge";

    /// <summary>Its bridge interface on the host.</summary>
    public required string BridgeName { get; init; }

    public required Ipv4Subnet Subnet { get; init; }

    /// <summary>The bridge's address, every container's default route.</summary>
    public IPAddress Gateway => Subnet.Gateway;

    public required DateTimeOffset Created { get; init; }

    /// <summary>The containers attached now, in address order.</summary>
    public IReadOnlyList<NetworkContainer> Containers { get; init; } = [];
}
