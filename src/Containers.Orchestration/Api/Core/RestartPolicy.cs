namespace Containers.Orchestration.Api.Core;

/// <summary>The values of <see cref="PodSpec.RestartPolicy"/>.</summary>
public static class RestartPolicy
{
    public const string Always = "Always";
    public const string OnFailure = "OnFailure";
    public const string Never = "Never";
}
