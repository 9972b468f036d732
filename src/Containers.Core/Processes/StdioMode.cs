namespace Containers.Processes;

/// <summary>How a container process's stdin, stdout and stderr are wired.</summary>
public enum StdioMode
{
    /// <summary>All three are <c>/dev/null</c>.</summary>
    Null,

    /// <summary>The caller's own stdio, as <c>runc run</c> in the foreground does.</summary>
    Inherit,

    /// <summary>Three pipes, read and written through <see cref="ProcessIo"/>'s streams.</summary>
    Pipes,

    /// <summary>A pseudo-terminal; <see cref="ProcessIo.Terminal"/> is its master side.</summary>
    Terminal,
}
