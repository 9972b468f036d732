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
    /// (case-insensitive, as stage names are lower-cased) or its index; null when none matches,
    /// and then the name is an image.
    /// </summary>
    /// <param name="nameOrIndex">The name or index as written (after expansion).</param>
    /// <param name="before">Only stages before this index count: a stage's <c>FROM</c> and
    /// <c>COPY --from</c> can name earlier stages only. Default: every stage.</param>
    public BuildStage? FindStage(string nameOrIndex, int before = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(nameOrIndex);
        var count = Math.Min(before, Stages.Length);
        for (var i = 0; i < count; i++)
        {
            var stage = Stages[i];
            if (stage.Name is not null && string.Equals(stage.Name, nameOrIndex, StringComparison.OrdinalIgnoreCase))
            {
                return stage;
            }
        }

        if (int.TryParse(nameOrIndex, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < count)
        {
            return Stages[index];
        }

        return null;
    }
}
