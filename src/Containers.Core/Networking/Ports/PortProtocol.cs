namespace Containers.Networking.Ports;

/// <summary>The transport a published port carries.</summary>
public enum PortProtocol
{
    /// <summary>TCP, the default when a binding names none.</summary>
    Tcp,

    /// <summary>UDP.</summary>
    Udp,
}
