namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// <c>ONBUILD instruction</c>: a trigger stored in the image config and run when a later build
/// uses the image as its base.
/// </summary>
/// <param name="Trigger">The wrapped instruction, parsed (never ONBUILD, FROM or MAINTAINER).</param>
/// <param name="TriggerText">The wrapped instruction's text as the image config stores it, e.g. <c>RUN echo hi</c>.</param>
public sealed record OnBuildInstruction(SourceLocation Location, string Original, Instruction Trigger, string TriggerText)
    : Instruction(Location, Original)
{
    /// <inheritdoc />
    public override string Keyword => "ONBUILD";
}
