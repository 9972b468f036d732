namespace Containers.Images.Engine;

/// <summary>When a container that stopped by itself is started again (<c>docker run --restart</c>).</summary>
public enum RestartPolicyKind
{
    /// <summary>Never (<c>no</c>, the default).</summary>
    No,

    /// <summary>When it exits with a non-zero code, up to a number of times (<c>on-failure[:max]</c>).</summary>
    OnFailure,

    /// <summary>Whenever it stops, unless it was stopped through the engine (<c>always</c>).</summary>
    Always,

    /// <summary>As <see cref="Always"/>; Docker tells them apart only when its daemon restarts, which this engine does not have (<c>unless-stopped</c>).</summary>
    UnlessStopped,
}
