namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// <c>HEALTHCHECK NONE</c> or <c>HEALTHCHECK [--interval=…] [--timeout=…] [--start-period=…]
/// [--start-interval=…] [--retries=…] CMD command</c>. Durations are Go-style (<c>30s</c>, <c>1m30s</c>).
/// </summary>
/// <param name="Command">The check's command; null for <c>NONE</c> (disable the base image's check).</param>
/// <param name="Interval">The <c>--interval</c>; null when not given (the runtime default).</param>
/// <param name="Timeout">The <c>--timeout</c>; null when not given.</param>
/// <param name="StartPeriod">The <c>--start-period</c>; null when not given.</param>
/// <param name="StartInterval">The <c>--start-interval</c>; null when not given.</param>
/// <param name="Retries">The <c>--retries</c>; null when not given.</param>
public sealed record HealthcheckInstruction(
    SourceLocation Location,
    string Original,
    ShellOrExec? Command,
    TimeSpan? Interval,
    TimeSpan? Timeout,
    TimeSpan? StartPeriod,
    TimeSpan? StartInterval,
    int? Retries)
    : Instruction(Location, Original)
{
    /// <inheritdoc />
    public override string Keyword => "HEALTHCHECK";

    /// <summary>Whether this is <c>HEALTHCHECK NONE</c>.</summary>
    public bool IsNone => Command is null;
}
