namespace Containers.Images.Build;

/// <summary>One event of a build, for a progress display.</summary>
public sealed record BuildProgress
{
    public required BuildProgressKind Kind { get; init; }

    /// <summary>The step, from 1, counting every instruction (FROM included) of the stages built.</summary>
    public int Step { get; init; }

    /// <summary>How many steps the build has.</summary>
    public int StepCount { get; init; }

    /// <summary>The stage's name or index.</summary>
    public string Stage { get; init; } = string.Empty;

    /// <summary>The instruction, with variables expanded where the Dockerfile reference expands them.</summary>
    public string Instruction { get; init; } = string.Empty;

    /// <summary>For <see cref="BuildProgressKind.StepFinished"/>: whether the cache gave the result.</summary>
    public bool Cached { get; init; }

    /// <summary>For <see cref="BuildProgressKind.StepFinished"/>: how long the step took.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>For <see cref="BuildProgressKind.Output"/>: a line a RUN command wrote; for <see cref="BuildProgressKind.Message"/>: a note of the builder.</summary>
    public string? Text { get; init; }
}

/// <summary>What a <see cref="BuildProgress"/> reports.</summary>
public enum BuildProgressKind
{
    /// <summary>A step begins.</summary>
    StepStarted,

    /// <summary>A line of a RUN command's output.</summary>
    Output,

    /// <summary>A note of the builder (an ONBUILD trigger runs, a warning).</summary>
    Message,

    /// <summary>A step has finished.</summary>
    StepFinished,
}
