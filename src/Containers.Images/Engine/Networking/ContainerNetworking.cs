using System.Net;
using System.Text.Json.Serialization;
using Containers.Networking.Ports;

namespace Containers.Images.Engine.Networking;

/// <summary>A container's network settings as the engine records them in <c>container.json</c>.</summary>
internal sealed record ContainerNetworking
{
    /// <summary><c>"none"</c>, <c>"host"</c>, <c>"bridge"</c> or a created network's name.</summary>
    public required string Network { get; init; }

    /// <summary>Its hostname, which its own <c>/etc/hosts</c> maps to its address.</summary>
    public required string Hostname { get; init; }

    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The bindings asked for, in Docker's form (<see cref="PortBinding.ToString"/>).</summary>
    public IReadOnlyList<string> Ports { get; init; } = [];

    /// <summary>Its address on the bridge while it is attached (from create to exit).</summary>
    public string? Address { get; init; }

    /// <summary>The bindings actually listening while it runs, with the ports the kernel chose.</summary>
    public IReadOnlyList<string> PublishedPorts { get; init; } = [];

    [JsonIgnore]
    public bool IsBridge => Network is not (NetworkModes.None or NetworkModes.Host);

    [JsonIgnore]
    public IPAddress? IPAddress => Address is null ? null : IPAddress.Parse(Address);

    [JsonIgnore]
    public IEnumerable<PortBinding> PortBindings => Ports.Select(PortBinding.Parse);

    [JsonIgnore]
    public IEnumerable<PublishedPort> Published => PublishedPorts.Select(PortBinding.Parse)
        .Select(binding => new PublishedPort(binding.ContainerPort, binding.Protocol, binding.HostEndPoint));
}
