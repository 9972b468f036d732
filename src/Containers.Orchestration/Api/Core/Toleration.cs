namespace Containers.Orchestration.Api.Core;

/// <summary>Lets a pod be scheduled onto (or stay on) nodes with a matching taint.</summary>
public sealed record Toleration
{
    /// <summary>Empty with operator Exists tolerates every taint.</summary>
    public string? Key { get; init; }

    /// <summary>Equal (the default) or Exists.</summary>
    public string? Operator { get; init; }

    public string? Value { get; init; }

    /// <summary>Empty for every effect, else NoSchedule, PreferNoSchedule or NoExecute.</summary>
    public string? Effect { get; init; }

    /// <summary>For NoExecute: how long the pod stays after the taint appears.</summary>
    public long? TolerationSeconds { get; init; }

    /// <summary>True when this toleration tolerates <paramref name="taint"/>, by Kubernetes' rules.</summary>
    public bool Tolerates(Taint taint)
    {
        ArgumentNullException.ThrowIfNull(taint);
        if (!string.IsNullOrEmpty(Effect) && Effect != taint.Effect)
        {
            return false;
        }

        if (!string.IsNullOrEmpty(Key) && Key != taint.Key)
        {
            return false;
        }

        return Operator switch
        {
            "Exists" => true,
            null or "" or "Equal" => (Value ?? string.Empty) == (taint.Value ?? string.Empty),
            _ => false,
        };
    }
}
