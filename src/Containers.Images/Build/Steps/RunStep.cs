namespace Containers.Images.Build.Steps;

/// <summary>
/// A <c>RUN</c> as the executor takes it, with everything resolved: the process's arguments (a
/// shell-form command already wrapped in the stage's <c>SHELL</c>), the build arguments it sees as
/// environment variables, its mounts with their host sources, and its network.
/// </summary>
internal sealed record RunStep
{
    /// <summary>The process's arguments.</summary>
    public required IReadOnlyList<string> Args { get; init; }

    /// <summary><c>KEY=value</c> entries added to the stage's env for this step only (the build arguments in scope that no ENV overrides).</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>The <c>--mount</c>s.</summary>
    public IReadOnlyList<RunStepMount> Mounts { get; init; } = [];

    /// <summary><c>none</c>, <c>host</c> or <c>bridge</c>.</summary>
    public string Network { get; init; } = "none";

    /// <summary>Where the instruction is and what it says, for errors: <c>Dockerfile:7: RUN make</c>.</summary>
    public required string Description { get; init; }
}
