using System.Collections.Immutable;
using System.Globalization;

namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// A parsed Dockerfile: its directives, the <c>ARG</c>s before the first <c>FROM</c> (the global
/// scope, usable in every <c>FROM</c> line), and its stages in file order. Nothing is expanded:
/// every word is kept as written, for <see cref="VariableExpander"/> at build time.
/// </summary>
public sealed record DockerfileDocument(
    string FileName,
    DockerfileDirectives Directives,
    ImmutableArray<ArgInstruction> GlobalArgs,
    ImmutableArray<BuildStage> Stages,
    ImmutableArray<DockerfileWarning> Warnings)
{
    /// <summary>
    /// The stage a <c>--target</c>, <c>COPY --from</c> or <c>FROM</c> names: its <c>AS</c> name
    /// (case-insensitive, as stage names are lower-cased) or its index; null when none matches.
    /// </summary>
    public BuildStage? FindStage(string nameOrIndex)
    {
        ArgumentNullException.ThrowIfNull(nameOrIndex);
        foreach (var stage in Stages)
        {
            if (stage.Name is not null && string.Equals(stage.Name, nameOrIndex, StringComparison.OrdinalIgnoreCase))
            {
                return stage;
            }
        }

        if (int.TryParse(nameOrIndex, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && index < Stages.Length)
        {
            return Stages[index];
        }

        return null;
    }
}
