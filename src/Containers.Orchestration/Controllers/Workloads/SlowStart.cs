namespace Containers.Orchestration.Controllers.Workloads;

/// <summary>
/// Kubernetes' slowStartBatch: runs <c>count</c> calls in batches of 1, 2, 4... (doubling), each
/// batch at once; a batch with a failure stops the rest, so a template that cannot be created costs
/// one call, not hundreds.
/// </summary>
public static class SlowStart
{
    /// <returns>How many calls succeeded, how many were made (the rest never ran), and the first failure if any.</returns>
    public static async Task<(int Succeeded, int Attempted, Exception? Error)> RunAsync(int count, int initialBatch, Func<int, Task> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var succeeded = 0;
        var next = 0;
        for (var batch = Math.Min(Math.Max(initialBatch, 1), count); batch > 0; batch = Math.Min(2 * batch, count - next))
        {
            var tasks = Enumerable.Range(next, batch).Select(i => RunOne(call, i)).ToArray();
            next += batch;
            var errors = await Task.WhenAll(tasks).ConfigureAwait(false);
            succeeded += errors.Count(e => e is null);
            if (errors.FirstOrDefault(e => e is not null) is { } error)
            {
                return (succeeded, next, error);
            }
        }

        return (succeeded, next, null);
    }

    private static async Task<Exception?> RunOne(Func<int, Task> call, int index)
    {
        try
        {
            await call(index).ConfigureAwait(false);
            return null;
        }
#pragma warning disable CA1031 // The failure is returned to the caller, which owns the error handling.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return e;
        }
    }
}
