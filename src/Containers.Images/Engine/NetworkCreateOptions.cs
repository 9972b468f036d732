using Containers.Networking;

namespace Containers.Images.Engine;

/// <summary>Settings of a network made with <see cref="ContainerEngine.CreateNetworkAsync"/> (<c>docker network create</c>).</summary>
public sealed record NetworkCreateOptions
{
    /// <summary>Its subnet (<c>--subnet</c>). Null: a free /24 from <see cref="EngineOptions.NetworkPool"/>.</summary>
    public Ipv4Subnet? Subnet { get; init; }

    /// <summary>
    /// The name of its bridge interface (Docker's <c>com.docker.network.bridge.name</c>), at most
    /// 15 characters. Null: <c>br-</c> and the first 12 hex digits of the network's id.
    /// </summary>
    public string? BridgeName { get; init; }
}
