using System.Text.RegularExpressions;
using Containers.Errors;
using Containers.Images.Testing.Strategies;

namespace Containers.Images.Testing;

/// <summary>
/// The wait strategies a <see cref="ContainerBuilder"/> takes: conditions a container must meet
/// before <see cref="ThrowawayContainer.StartAsync"/> returns. Each is checked every 100 ms until
/// it passes, the container exits (an error with its exit code) or the startup timeout runs out
/// (a <see cref="WaitStrategyTimeoutException"/> with the container's last log lines).
/// </summary>
public static class Wait
{
    /// <summary>Ready once <paramref name="text"/> (plain text, not a pattern) appears in <paramref name="occurrences"/> lines of the container's stdout or stderr.</summary>
    public static IWaitStrategy ForLogMessage(string text, int occurrences = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        RequirePositive(occurrences);
        return new LogMessageWaitStrategy(new Regex(Regex.Escape(text), RegexOptions.CultureInvariant), occurrences, $"log message \"{text}\"{Times(occurrences)}");
    }

    /// <summary>Ready once <paramref name="pattern"/> matches <paramref name="occurrences"/> lines of the container's stdout or stderr (each line on its own, with its newline).</summary>
    public static IWaitStrategy ForLogMessage(Regex pattern, int occurrences = 1)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        RequirePositive(occurrences);
        return new LogMessageWaitStrategy(pattern, occurrences, $"log message matching /{pattern}/{Times(occurrences)}");
    }

    /// <summary>Ready once <paramref name="path"/> exists in the container, as its processes see it; needs nothing in the image.</summary>
    public static IWaitStrategy ForFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!path.StartsWith('/'))
        {
            throw new InvalidArgumentException($"the path \"{path}\" to wait for is not absolute; give the path in the container, starting with /");
        }

        return new FileWaitStrategy(path);
    }

    private static void RequirePositive(int occurrences)
    {
        if (occurrences < 1)
        {
            throw new InvalidArgumentException($"occurrences {occurrences} is not positive; wait for at least one");
        }
    }

    private static string Times(int occurrences) => occurrences == 1 ? string.Empty : $" {occurrences} times";
}
