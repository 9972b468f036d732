using System.Collections.Immutable;

namespace Containers.Images.Build.Dockerfile;

/// <summary><c>RUN [--mount=…] [--network=…] [--security=…] command</c>.</summary>
/// <param name="Command">
/// The command. In shell form with heredocs, the text is the first line as written
/// (e.g. <c>&lt;&lt;EOF</c> or <c>python3 &lt;&lt;EOF</c>) and <see cref="Heredocs"/> holds the bodies.
/// </param>
/// <param name="Mounts">The <c>--mount</c> flags, in order.</param>
/// <param name="Network">The <c>--network</c> flag.</param>
/// <param name="Security">The <c>--security</c> flag.</param>
/// <param name="Heredocs">The heredocs opened on the command line, in order.</param>
public sealed record RunInstruction(
    SourceLocation Location,
    string Original,
    ShellOrExec Command,
    ImmutableArray<RunMount> Mounts,
    RunNetwork Network,
    RunSecurity Security,
    ImmutableArray<Heredoc> Heredocs)
    : Instruction(Location, Original)
{
    /// <inheritdoc />
    public override string Keyword => "RUN";

    /// <summary>
    /// When the shell-form command is a single heredoc and nothing else (<c>RUN &lt;&lt;EOF</c>), that
    /// heredoc: its body is the script (BuildKit runs it with the shell, or as an executable file
    /// when it starts with <c>#!</c>). Null otherwise.
    /// </summary>
    public Heredoc? ScriptHeredoc =>
        Command is ShellOrExec.Shell shell && Heredocs.Length == 1
        && HeredocOpener.TryParse(shell.Command.Trim(), '\\') is { } opener && opener.Name == Heredocs[0].Name
            ? Heredocs[0]
            : null;

    /// <summary>
    /// The text the shell runs for the shell form, as BuildKit builds it: the command; with a
    /// <see cref="ScriptHeredoc"/>, its body; with other heredocs, the command line followed by
    /// each body and its delimiter, for the shell to read as here-documents. Null for the exec form.
    /// </summary>
    public string? ShellScript
    {
        get
        {
            if (Command is not ShellOrExec.Shell shell)
            {
                return null;
            }

            if (Heredocs.IsDefaultOrEmpty)
            {
                return shell.Command;
            }

            if (ScriptHeredoc is { } script)
            {
                return script.Content;
            }

            var text = new System.Text.StringBuilder(shell.Command);
            foreach (var heredoc in Heredocs)
            {
                text.Append('\n').Append(heredoc.Content).Append(heredoc.Name);
            }

            return text.ToString();
        }
    }
}
