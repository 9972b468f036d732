namespace Containers.Cli.Tests.Commands.Cluster;

/// <summary>Polls what other processes and threads change until it is as wanted, failing after a bound (never asserting how long it took).</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Reads with <paramref name="read"/> until <paramref name="done"/> holds, and returns what it read last.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, Func<T, string>? describe = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var seen = await read();
            if (done(seen))
            {
                return seen;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for {what}; last seen: {(describe is null ? seen?.ToString() : describe(seen))}");
            }

            await Task.Delay(100);
        }
    }
}
