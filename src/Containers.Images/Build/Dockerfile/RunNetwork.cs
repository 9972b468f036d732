namespace Containers.Images.Build.Dockerfile;

/// <summary>The <c>RUN --network=</c> value.</summary>
public enum RunNetwork
{
    /// <summary>Not given, or <c>default</c>: the build's own network setting.</summary>
    Default,

    /// <summary>No network but loopback.</summary>
    None,

    /// <summary>The host's network namespace.</summary>
    Host,
}
