using Containers.Networking.Ports;

namespace Containers.Images.Engine;

public sealed partial record ContainerRunSpec
{
    /// <summary>
    /// The network to join (<c>--network</c>): <c>"bridge"</c> (the engine's default bridge),
    /// <c>"host"</c> (the host's network stack, no namespace of its own), <c>"none"</c> (a
    /// namespace of its own with only <c>lo</c>), or the name of a network made with
    /// <see cref="ContainerEngine.CreateNetworkAsync"/>. Null: <see cref="EngineOptions.DefaultNetwork"/>.
    /// </summary>
    public string? Network { get; init; }

    /// <summary>
    /// Published ports (<c>-p</c>): each forwards a host port (on 127.0.0.1 unless the binding
    /// names another address; 0 for a free one) to a port of the container, from start to exit.
    /// TCP only, and only on a bridge network; with <c>"host"</c> they are ignored, as Docker does.
    /// </summary>
    public IReadOnlyList<PortBinding> Ports { get; init; } = [];

    /// <summary>More names (<c>--network-alias</c>) the other containers on its bridge network know it by, besides its name.</summary>
    public IReadOnlyList<string> NetworkAliases { get; init; } = [];
}
