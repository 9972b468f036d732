namespace Containers.Orchestration.Api.Batch;

/// <summary>The values of <see cref="JobSpec.CompletionMode"/>.</summary>
public static class JobCompletionMode
{
    /// <summary>The Job completes when enough pods succeeded, whichever they were (the default).</summary>
    public const string NonIndexed = "NonIndexed";

    /// <summary>Each pod gets an index 0..completions-1; the Job completes when every index has succeeded.</summary>
    public const string Indexed = "Indexed";
}
