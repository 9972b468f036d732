using System.Collections.Immutable;
using System.Globalization;

namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// One stage: a <c>FROM</c> line and the instructions up to the next <c>FROM</c>.
/// </summary>
/// <param name="Index">The stage's position in the file, from 0.</param>
/// <param name="From">The <c>FROM</c> instruction that starts it.</param>
/// <param name="Instructions">The instructions after <c>FROM</c>, in order (not the <c>FROM</c> itself).</param>
public sealed record BuildStage(int Index, FromInstruction From, ImmutableArray<Instruction> Instructions)
{
    /// <summary>The base image as written (may hold <c>$ARG</c> references, or name an earlier stage, or be <c>scratch</c>).</summary>
    public string BaseName => From.Image;

    /// <summary>The <c>AS</c> name, lower-cased; null for an unnamed stage.</summary>
    public string? Name => From.StageName;

    /// <summary>The <c>--platform</c> value as written; null when not given.</summary>
    public string? Platform => From.Platform;

    /// <summary>The name a person knows the stage by: its <c>AS</c> name, else its index.</summary>
    public string DisplayName => Name ?? Index.ToString(CultureInfo.InvariantCulture);
}
