namespace Containers.Orchestration.Api.Core;

/// <summary>The standard resource names of requests, limits, capacity and allocatable.</summary>
public static class ResourceNames
{
    public const string Cpu = "cpu";
    public const string Memory = "memory";
    public const string Storage = "storage";
    public const string EphemeralStorage = "ephemeral-storage";
    public const string Pods = "pods";
}
