namespace Containers.Orchestration.Api.Core;

/// <summary>The values of <see cref="Container.ImagePullPolicy"/>.</summary>
public static class PullPolicy
{
    public const string Always = "Always";
    public const string IfNotPresent = "IfNotPresent";
    public const string Never = "Never";
}
