using Containers.Processes;

namespace Containers.Runtime;

/// <summary>A container that exists and waits to be started, with its stdio.</summary>
public sealed class CreatedContainer(string id, int pid, ProcessIo io) : IAsyncDisposable
{
    /// <summary>The container's id.</summary>
    public string Id { get; } = id;

    /// <summary>The host pid of the container's process.</summary>
    public int Pid { get; } = pid;

    /// <summary>The container process's stdio, as <see cref="ContainerCreateRequest.Stdio"/> asked.</summary>
    public ProcessIo Io { get; } = io;

    /// <summary>Closes this side's stdio streams; the container itself keeps running.</summary>
    public ValueTask DisposeAsync() => Io.DisposeAsync();
}
