using System.Collections.Immutable;

namespace Containers.Images.Build.Dockerfile;

/// <summary><c>EXPOSE port[/proto]…</c>; each word as written (<c>80</c>, <c>53/udp</c>, <c>${PORT}</c>, <c>8000-8010</c>).</summary>
public sealed record ExposeInstruction(SourceLocation Location, string Original, ImmutableArray<string> Ports)
    : Instruction(Location, Original)
{
    /// <inheritdoc />
    public override string Keyword => "EXPOSE";
}
