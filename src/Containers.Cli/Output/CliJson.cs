using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containers.Cli.Output;

/// <summary>The JSON the commands print, source-generated for NativeAOT.</summary>
[JsonSerializable(typeof(List<ContainerInspect>))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    /// <summary>As docker prints it: indented by 4, with characters such as &lt; and + left as they are.</summary>
    public static CliJsonContext Printed { get; } = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        IndentSize = 4,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
