namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// One Dockerfile instruction. Each kind is a sealed record deriving from this; a builder walks
/// them with a type switch.
/// </summary>
/// <param name="Location">Where the instruction's keyword starts.</param>
/// <param name="Original">
/// The instruction as one logical line: continuation lines joined, comment lines inside them
/// dropped, heredoc bodies left out (they are in the instruction's heredoc fields).
/// </param>
public abstract record Instruction(SourceLocation Location, string Original)
{
    /// <summary>The instruction's keyword in upper case (<c>RUN</c>, <c>COPY</c>…).</summary>
    public abstract string Keyword { get; }
}
