namespace Containers.Images.Testing;

/// <summary>
/// A <see cref="ThrowawayContainer"/> did not become ready within its startup timeout. The
/// message names the wait strategy that had not passed, the container and the timeout, and
/// ends with the container's last log lines, which usually say why.
/// </summary>
public sealed class WaitStrategyTimeoutException : TimeoutException
{
    public WaitStrategyTimeoutException(string strategy, string container, TimeSpan timeout, IReadOnlyList<string> lastLogLines)
        : base(Describe(strategy, container, timeout, lastLogLines))
    {
        Strategy = strategy;
        Container = container;
        Timeout = timeout;
        LastLogLines = lastLogLines;
    }

    /// <summary>The description of the strategy that had not passed.</summary>
    public string Strategy { get; }

    /// <summary>The container's name and short id.</summary>
    public string Container { get; }

    /// <summary>The startup timeout that ran out.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The container's last log lines, stdout and stderr interleaved as written, oldest first.</summary>
    public IReadOnlyList<string> LastLogLines { get; }

    private static string Describe(string strategy, string container, TimeSpan timeout, IReadOnlyList<string> lastLogLines)
    {
        ArgumentNullException.ThrowIfNull(lastLogLines);
        return $"container {container} was not ready within its startup timeout of {timeout}: waiting for {strategy}; "
            + "raise the timeout with WithStartupTimeout, or see why in its log. " + LogTail.Format(lastLogLines);
    }
}
