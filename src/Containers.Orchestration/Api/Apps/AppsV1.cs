namespace Containers.Orchestration.Api.Apps;

/// <summary>The apps/v1 API group version.</summary>
public static class AppsV1
{
    public const string Group = "apps";
    public const string ApiVersion = "apps/v1";
}
