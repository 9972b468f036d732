namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// A here-document (<c>&lt;&lt;EOF</c> … <c>EOF</c>) attached to an instruction.
/// </summary>
/// <param name="Name">The delimiter word without quotes or <c>-</c>, e.g. <c>EOF</c> or a file name like <c>hello.sh</c>.</param>
/// <param name="Content">
/// The body: every line between the opener and the delimiter, each ending in a newline; with
/// <c>&lt;&lt;-</c>, leading tabs are already stripped.
/// </param>
/// <param name="Expand">
/// False when the delimiter was quoted (<c>&lt;&lt;"EOF"</c> or <c>&lt;&lt;'EOF'</c>): the body is
/// taken literally. True otherwise: COPY/ADD expand it with
/// <see cref="VariableExpander.ExpandHeredoc"/>, RUN leaves it to the shell.
/// </param>
public sealed record Heredoc(string Name, string Content, bool Expand);
