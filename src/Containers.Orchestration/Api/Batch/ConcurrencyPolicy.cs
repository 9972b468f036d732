namespace Containers.Orchestration.Api.Batch;

/// <summary>The values of <see cref="CronJobSpec.ConcurrencyPolicy"/>: what a CronJob does when a run is due while an earlier one is still active.</summary>
public static class ConcurrencyPolicy
{
    /// <summary>Start it anyway; runs may overlap (the default).</summary>
    public const string Allow = "Allow";

    /// <summary>Skip the new run while the earlier one is active.</summary>
    public const string Forbid = "Forbid";

    /// <summary>Delete the active run and start the new one.</summary>
    public const string Replace = "Replace";
}
