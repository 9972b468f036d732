using System.Collections.Immutable;

namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// <c>ARG name[=default] [name2[=default2]…]</c>. A build argument of the same name overrides the
/// default; the default is expanded (with the args and env declared before it) when used.
/// </summary>
public sealed record ArgInstruction(SourceLocation Location, string Original, ImmutableArray<ArgDeclaration> Arguments)
    : Instruction(Location, Original)
{
    /// <inheritdoc />
    public override string Keyword => "ARG";
}
