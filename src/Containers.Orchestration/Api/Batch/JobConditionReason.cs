namespace Containers.Orchestration.Api.Batch;

/// <summary>The reasons of a Job's conditions.</summary>
public static class JobConditionReason
{
    /// <summary>More pods failed than backoffLimit allows (or, with restartPolicy OnFailure, containers restarted as often).</summary>
    public const string BackoffLimitExceeded = "BackoffLimitExceeded";

    /// <summary>The Job ran longer than activeDeadlineSeconds.</summary>
    public const string DeadlineExceeded = "DeadlineExceeded";

    /// <summary>As many pods succeeded as completions asks (or, with no completions, one did and the rest finished).</summary>
    public const string CompletionsReached = "CompletionsReached";

    public const string JobSuspended = "JobSuspended";

    public const string JobResumed = "JobResumed";
}
