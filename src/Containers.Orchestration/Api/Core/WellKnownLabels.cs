namespace Containers.Orchestration.Api.Core;

/// <summary>The labels the platform puts on nodes and pods itself.</summary>
public static class WellKnownLabels
{
    public const string Hostname = "kubernetes.io/hostname";

    public const string OperatingSystem = "kubernetes.io/os";

    public const string Architecture = "kubernetes.io/arch";
}
