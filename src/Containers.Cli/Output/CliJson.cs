using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containers.Cli.Output;

/// <summary>The JSON the commands print, source-generated for NativeAOT.</summary>
[JsonSerializable(typeof(ContainerInspect))]
[JsonSerializable(typeof(ImageInspect))]
[JsonSerializable(typeof(NetworkInspect))]
[JsonSerializable(typeof(VolumeInspect))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    /// <summary>As docker prints it: indented by 4, with characters such as &lt; and + left as they are.</summary>
    public static CliJsonContext Printed { get; } = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        IndentSize = 4,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>Writes <paramref name="items"/> as one JSON array, each item by its own type (docker inspect mixes containers and images).</summary>
    public static string Array(IEnumerable<Action<Utf8JsonWriter>> items)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, IndentSize = 4, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            foreach (var item in items)
            {
                item(writer);
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
