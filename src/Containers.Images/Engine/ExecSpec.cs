namespace Containers.Images.Engine;

/// <summary>
/// A command to run in a running container, as <c>docker exec</c> takes it. Null settings keep the
/// container's own: its env (plus these entries), working directory and user.
/// </summary>
/// <param name="Cmd">The program and its arguments; the program is looked up in the container's PATH.</param>
public sealed record ExecSpec(IReadOnlyList<string> Cmd)
{
    /// <summary><c>KEY=value</c> entries added to the container's env (<c>-e</c>); a bare <c>KEY</c> removes it.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>An absolute working directory (<c>-w</c>). Null: the container's.</summary>
    public string? WorkingDir { get; init; }

    /// <summary><c>name</c>, <c>name:group</c>, <c>uid</c> or <c>uid:gid</c>, resolved in the container's <c>/etc/passwd</c> and <c>/etc/group</c> (<c>-u</c>). Null: the container's user.</summary>
    public string? User { get; init; }

    /// <summary>Give the process a terminal (<c>-t</c>), with <c>TERM=xterm</c> unless the env sets it; it needs <see cref="Containers.Processes.StdioMode.Terminal"/>.</summary>
    public bool Tty { get; init; }
}
