namespace Containers.Orchestration.Tests.Controllers.Testing;

/// <summary>Waits in real time (bounded) for something that other threads make true; virtual time does not move.</summary>
internal static class Eventually
{
    public static async Task Until(Func<bool> condition, string what, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(2);
        }
    }
}
