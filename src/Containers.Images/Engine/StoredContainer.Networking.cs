using Containers.Images.Engine.Networking;

namespace Containers.Images.Engine;

internal sealed partial record StoredContainer
{
    /// <summary>Its network, names, ports and, while attached, its address; null in records older than networking (no network).</summary>
    public ContainerNetworking? Networking { get; init; }
}
