using System.Collections.Immutable;

namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// The command of <c>RUN</c>, <c>CMD</c>, <c>ENTRYPOINT</c> and <c>HEALTHCHECK CMD</c>: the shell
/// form (a string the image's <c>SHELL</c> runs) or the exec form (a JSON array of arguments).
/// </summary>
public abstract record ShellOrExec
{
    private ShellOrExec()
    {
    }

    /// <summary>The shell form: the text as written, run as <c>SHELL + [text]</c>; the shell expands variables.</summary>
    public sealed record Shell(string Command) : ShellOrExec;

    /// <summary>The exec form: the decoded JSON strings, run as they are, with no variable expansion.</summary>
    public sealed record Exec(ImmutableArray<string> Arguments) : ShellOrExec;
}
