namespace Containers.Images.Engine;

/// <summary>Settings of a <see cref="ContainerEngine"/>.</summary>
public sealed partial class EngineOptions
{
    /// <summary>
    /// Where the engine keeps its state: <c>containers/&lt;id&gt;/</c> (bundle, rootfs mount point,
    /// log and record), <c>snapshots/</c>, and the built-in runtime's state in <c>run/</c> when
    /// the engine makes its own runtime. Default: <see cref="ContainersPaths.DefaultRoot"/>.
    /// </summary>
    public string Root { get; set; } = ContainersPaths.DefaultRoot;

    /// <summary>
    /// Kill and remove a container when the process that runs the engine dies. The engine reads
    /// each container's output through pipes in this process, so a container that outlived it
    /// would lose its logs; on by default.
    /// </summary>
    public bool ContainersDieWithEngine { get; set; } = true;
}
