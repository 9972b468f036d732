namespace Containers.Orchestration.Api.Batch;

/// <summary>The batch/v1 API group version.</summary>
public static class BatchV1
{
    public const string Group = "batch";
    public const string ApiVersion = "batch/v1";
}
