using System.Globalization;
using Containers.Images.Engine;

namespace Containers.Cli.Output;

/// <summary>A network as <c>docker network inspect</c> shows it, with docker's field names.</summary>
internal sealed record NetworkInspect
{
    public required string Name { get; init; }

    public required string Id { get; init; }

    public required DateTime Created { get; init; }

    public string Scope { get; init; } = "local";

    public required string Driver { get; init; }

    public required IpamInspect IPAM { get; init; }

    /// <summary>By container id.</summary>
    public required Dictionary<string, NetworkContainerInspect> Containers { get; init; }

    public required Dictionary<string, string> Options { get; init; }

    public static NetworkInspect From(NetworkInfo network) => new()
    {
        Name = network.Name,
        Id = network.Id,
        Created = network.Created.UtcDateTime,
        Driver = network.Driver,
        IPAM = new IpamInspect { Config = [new IpamConfigInspect { Subnet = network.Subnet.ToString(), Gateway = network.Gateway.ToString() }] },
        Containers = network.Containers.ToDictionary(c => c.Id, c => new NetworkContainerInspect
        {
            Name = c.Name,
            MacAddress = c.MacAddress.ToString(),
            IPv4Address = string.Create(CultureInfo.InvariantCulture, $"{c.IPAddress}/{network.Subnet.PrefixLength}"),
        }),
        Options = new() { ["com.docker.network.bridge.name"] = network.BridgeName },
    };
}

internal sealed record IpamInspect
{
    public string Driver { get; init; } = "default";

    public required IReadOnlyList<IpamConfigInspect> Config { get; init; }
}

internal sealed record IpamConfigInspect
{
    public required string Subnet { get; init; }

    public required string Gateway { get; init; }
}

internal sealed record NetworkContainerInspect
{
    public required string Name { get; init; }

    public required string MacAddress { get; init; }

    public required string IPv4Address { get; init; }
}

/// <summary>A volume as <c>docker volume inspect</c> shows it, with docker's field names.</summary>
internal sealed record VolumeInspect
{
    public required DateTime CreatedAt { get; init; }

    public string Driver { get; init; } = "local";

    public required string Mountpoint { get; init; }

    public required string Name { get; init; }

    public string Scope { get; init; } = "local";

    public static VolumeInspect From(VolumeInfo volume) => new()
    {
        CreatedAt = volume.Created.UtcDateTime,
        Mountpoint = volume.Mountpoint,
        Name = volume.Name,
    };
}
