using System.Text.RegularExpressions;

namespace Containers.Images.Testing.Strategies;

/// <summary>Ready once <paramref name="pattern"/> has matched at least <paramref name="occurrences"/> lines of the container's log (stdout or stderr).</summary>
internal sealed class LogMessageWaitStrategy(Regex pattern, int occurrences, string description) : IWaitStrategy
{
    public string Description { get; } = description;

    public async Task<bool> IsReadyAsync(ThrowawayContainer container, CancellationToken cancellationToken)
    {
        var seen = 0;
        await foreach (var line in container.ReadLogAsync(cancellationToken).ConfigureAwait(false))
        {
            if (pattern.IsMatch(line.Text) && ++seen >= occurrences)
            {
                return true;
            }
        }

        return false;
    }
}
