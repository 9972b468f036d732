using System.Text;
using YamlDotNet.Core;

namespace Containers.Orchestration.Serialization.Yaml;

/// <summary>
/// The one double-quoted escape that go-yaml, and so kubectl and the API server, reads but YAML 1.2
/// and YamlDotNet do not: <c>\'</c> for a single quote. Manifests written for kubectl use it
/// (<c>"echo \"A=\'a\'\""</c>), so when YamlDotNet stops at one, that scalar's <c>\'</c> escapes are
/// made plain quotes and the text is read again. Only the scalar the scanner stopped in changes, so
/// a <c>\'</c> in a comment, a block scalar or a single-quoted string is left as written.
/// </summary>
internal static class SingleQuoteEscapes
{
    /// <summary>Scalars repaired at most per text, each costing one more parse.</summary>
    public const int MaxRepairs = 100;

    /// <summary>
    /// The text with the <c>\'</c> escapes of the double-quoted scalar <paramref name="error"/> stopped
    /// in made plain, or null when the error is not a <c>\'</c> escape in such a scalar.
    /// </summary>
    public static string? Repair(string yaml, YamlException error)
    {
        var quote = (int)error.Start.Index;
        var escape = (int)error.End.Index;
        if (quote < 0 || escape + 1 >= yaml.Length || quote >= escape || yaml[quote] != '"' || yaml[escape] != '\\' || yaml[escape + 1] != '\'')
        {
            return null;
        }

        var text = new StringBuilder(yaml.Length);
        text.Append(yaml, 0, quote + 1);
        var i = quote + 1;
        while (i < yaml.Length && yaml[i] != '"')
        {
            if (yaml[i] == '\\' && i + 1 < yaml.Length)
            {
                if (yaml[i + 1] != '\'')
                {
                    text.Append('\\');
                }

                text.Append(yaml[i + 1]);
                i += 2;
            }
            else
            {
                text.Append(yaml[i++]);
            }
        }

        return text.Append(yaml, i, yaml.Length - i).ToString();
    }
}
