namespace Containers.Orchestration.Api.Batch;

/// <summary>The types of a Job's <see cref="JobStatus.Conditions"/>.</summary>
public static class JobConditionType
{
    /// <summary>The Job succeeded: terminal.</summary>
    public const string Complete = "Complete";

    /// <summary>The Job failed: terminal.</summary>
    public const string Failed = "Failed";

    /// <summary>The Job is suspended: its pods were removed and none are made.</summary>
    public const string Suspended = "Suspended";

    /// <summary>The Job will fail once its remaining pods are gone.</summary>
    public const string FailureTarget = "FailureTarget";

    /// <summary>The Job will complete once its remaining pods are gone.</summary>
    public const string SuccessCriteriaMet = "SuccessCriteriaMet";
}
