using System.Globalization;
using Containers.Errors;

namespace Containers.Images.Engine;

/// <summary>
/// A container's restart policy, as <c>docker run --restart</c> gives it. The engine applies it when
/// the container stops by itself, after Docker's back-off (100 ms, doubling up to a minute, back to
/// 100 ms once a run lasted 10 s); a container stopped or killed through the engine is not restarted.
/// </summary>
public sealed record RestartPolicy
{
    private RestartPolicy(RestartPolicyKind kind, int maxRetries)
    {
        Kind = kind;
        MaxRetries = maxRetries;
    }

    /// <summary>Never restart (<c>no</c>).</summary>
    public static RestartPolicy No { get; } = new(RestartPolicyKind.No, 0);

    /// <summary>Restart whenever it stops by itself (<c>always</c>).</summary>
    public static RestartPolicy Always { get; } = new(RestartPolicyKind.Always, 0);

    /// <summary>Restart whenever it stops by itself (<c>unless-stopped</c>).</summary>
    public static RestartPolicy UnlessStopped { get; } = new(RestartPolicyKind.UnlessStopped, 0);

    public RestartPolicyKind Kind { get; }

    /// <summary>For <see cref="RestartPolicyKind.OnFailure"/>, the most restarts; 0 is no limit.</summary>
    public int MaxRetries { get; }

    /// <summary>Restart when it exits non-zero, at most <paramref name="maxRetries"/> times (0: no limit), as <c>on-failure[:max]</c>.</summary>
    /// <exception cref="InvalidArgumentException"><paramref name="maxRetries"/> is negative.</exception>
    public static RestartPolicy OnFailure(int maxRetries = 0) =>
        maxRetries >= 0
            ? new(RestartPolicyKind.OnFailure, maxRetries)
            : throw new InvalidArgumentException($"restart policy on-failure:{maxRetries}: the maximum retry count cannot be negative");

    /// <summary>Parses <c>no</c>, <c>always</c>, <c>unless-stopped</c>, <c>on-failure</c> or <c>on-failure:N</c> (an empty text is <c>no</c>).</summary>
    /// <exception cref="InvalidArgumentException">The text is none of those.</exception>
    public static RestartPolicy Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? text : text[..colon];
        var count = colon < 0 ? null : text[(colon + 1)..];
        if (count is not null && name != "on-failure")
        {
            throw new InvalidArgumentException($"restart policy \"{text}\": a maximum retry count only goes with on-failure");
        }

        return name switch
        {
            "" or "no" => No,
            "always" => Always,
            "unless-stopped" => UnlessStopped,
            "on-failure" when count is null => OnFailure(),
            "on-failure" when int.TryParse(count, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var max) => OnFailure(max),
            "on-failure" => throw new InvalidArgumentException($"restart policy \"{text}\": \"{count}\" is not a number of retries"),
            _ => throw new InvalidArgumentException($"restart policy \"{text}\" is not valid; use no, always, unless-stopped or on-failure[:max-retries]"),
        };
    }

    /// <summary>The <c>--restart</c> form.</summary>
    public override string ToString() => Kind switch
    {
        RestartPolicyKind.Always => "always",
        RestartPolicyKind.UnlessStopped => "unless-stopped",
        RestartPolicyKind.OnFailure => MaxRetries > 0 ? $"on-failure:{MaxRetries.ToString(CultureInfo.InvariantCulture)}" : "on-failure",
        _ => "no",
    };

    /// <summary>Whether a container that has been restarted <paramref name="restartCount"/> times is started again after exiting with <paramref name="exitCode"/>, as moby's restart manager decides.</summary>
    internal bool ShouldRestart(int exitCode, int restartCount) => Kind switch
    {
        RestartPolicyKind.Always or RestartPolicyKind.UnlessStopped => true,
        RestartPolicyKind.OnFailure => exitCode != 0 && (MaxRetries == 0 || restartCount < MaxRetries),
        _ => false,
    };
}
