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
    /// Kill and remove a container when the process that runs the engine dies (or disposes the
    /// runtime the engine made), even by SIGKILL: its shim removes the container with its rootfs
    /// mount, directory and writable snapshot. On by default. Off, containers outlive the engine, as
    /// <c>docker run -d</c>'s do: their shim keeps writing their log, and an engine opened later on
    /// the same root follows them and records their exit.
    /// </summary>
    public bool ContainersDieWithEngine { get; set; } = true;
}
