using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Controllers.Batch;

/// <summary>
/// How long a Job waits before it replaces failed pods: 10 s after the first failure since the last
/// success, doubling with each further failure (20 s, 40 s...) up to 6 minutes, counted from the
/// last failure. A success resets it.
/// </summary>
internal static class JobBackoff
{
    public static readonly TimeSpan DefaultBase = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan DefaultMax = TimeSpan.FromMinutes(6);

    /// <summary>The delay after <paramref name="failures"/> failures in a row (zero for none).</summary>
    public static TimeSpan Delay(int failures, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        if (failures <= 0)
        {
            return TimeSpan.Zero;
        }

        var delay = baseDelay;
        for (var i = 1; i < failures && delay < maxDelay; i++)
        {
            delay *= 2;
        }

        return delay < maxDelay ? delay : maxDelay;
    }

    /// <summary>
    /// What is left of the wait before new pods may be made, given the Job's finished pods at
    /// <paramref name="now"/>: zero when nothing failed since the last success, or the wait is over.
    /// </summary>
    public static TimeSpan Remaining(IEnumerable<Pod> pods, DateTimeOffset now, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var failures = 0;
        DateTimeOffset? lastFailure = null;
        foreach (var (pod, at) in pods.Where(JobState.IsFinished).Select(p => (p, JobState.FinishedAt(p))).OrderBy(x => x.Item2))
        {
            if (pod.Status.Phase == PodPhase.Succeeded)
            {
                failures = 0;
                lastFailure = null;
            }
            else
            {
                failures++;
                lastFailure = at;
            }
        }

        if (lastFailure is null)
        {
            return TimeSpan.Zero;
        }

        var remaining = Delay(failures, baseDelay, maxDelay) - (now - lastFailure.Value);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }
}
