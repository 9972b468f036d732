using Containers.Errors;

namespace Containers.Images.Testing.Strategies;

/// <summary>Ready once <paramref name="command"/>, run in the container, exits 0.</summary>
internal sealed class CommandWaitStrategy(string[] command) : IWaitStrategy
{
    public string Description => $"command [{string.Join(' ', command)}] to exit 0";

    public async Task<bool> IsReadyAsync(ThrowawayContainer container, CancellationToken cancellationToken)
    {
        try
        {
            return (await container.ExecAsync(command, cancellationToken).ConfigureAwait(false)).ExitCode == 0;
        }
        catch (ContainersException)
        {
            // Not running (yet, or any more), or the program cannot start: not ready, and the wait says which.
            return false;
        }
    }
}
