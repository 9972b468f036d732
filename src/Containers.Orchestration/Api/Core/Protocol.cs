namespace Containers.Orchestration.Api.Core;

/// <summary>The protocols of container and service ports.</summary>
public static class Protocol
{
    public const string Tcp = "TCP";
    public const string Udp = "UDP";
    public const string Sctp = "SCTP";
}
