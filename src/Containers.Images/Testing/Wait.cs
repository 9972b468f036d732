using System.Net;
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

    /// <summary>Ready once <paramref name="command"/>, run in the container as <c>docker exec</c> would, exits 0.</summary>
    public static IWaitStrategy ForCommand(params string[] command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Length == 0 || command.Any(string.IsNullOrEmpty))
        {
            throw new InvalidArgumentException("the command to wait for is empty or has an empty argument; give the program and its arguments");
        }

        return new CommandWaitStrategy([.. command]);
    }

    /// <summary>
    /// Ready once something in the container listens on TCP <paramref name="containerPort"/> (read
    /// from its socket table, so the image needs no tools) and, when the port is published, a
    /// connection to it through 127.0.0.1 succeeds.
    /// </summary>
    public static IWaitStrategy ForPort(int containerPort)
    {
        RequirePort(containerPort);
        return new PortWaitStrategy(containerPort);
    }

    /// <summary>
    /// Ready once <c>GET <paramref name="path"/></c> to the container's published
    /// <paramref name="containerPort"/>, through 127.0.0.1, answers <paramref name="status"/>
    /// (redirects are not followed). The port must be published with <see cref="ContainerBuilder.WithPortBinding(int)"/>.
    /// </summary>
    public static IWaitStrategy ForHttp(string path, int containerPort, HttpStatusCode status = HttpStatusCode.OK)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.StartsWith('/') || path.StartsWith("//", StringComparison.Ordinal))
        {
            throw new InvalidArgumentException($"the HTTP path \"{path}\" does not start with a single '/'; give the path and query, such as /health");
        }

        RequirePort(containerPort);
        return new HttpWaitStrategy(path, containerPort, status);
    }

    private static void RequirePort(int containerPort)
    {
        if (containerPort is < 1 or > 65535)
        {
            throw new InvalidArgumentException($"container port {containerPort} is out of range; it must be 1 to 65535");
        }
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
