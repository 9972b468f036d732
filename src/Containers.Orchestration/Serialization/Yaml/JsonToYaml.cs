using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Containers.Orchestration.Serialization.Yaml;

/// <summary>
/// Writes JSON as block YAML, as <c>kubectl get -o yaml</c> does: strings that would read back as
/// something else (<c>"true"</c>, <c>"1.0"</c>, <c>"yes"</c>, timestamps, empty) are quoted,
/// multi-line strings are literal blocks, empty objects and lists are <c>{}</c> and <c>[]</c>.
/// </summary>
internal static class JsonToYaml
{
    public static void WriteDocument(JsonElement root, IEmitter emitter)
    {
        emitter.Emit(new DocumentStart());
        Write(root, emitter);
        emitter.Emit(new DocumentEnd(isImplicit: true));
    }

    private static void Write(JsonElement element, IEmitter emitter)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var emptyObject = !element.EnumerateObject().Any();
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, isImplicit: true, emptyObject ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var property in element.EnumerateObject())
                {
                    WriteString(property.Name, emitter);
                    Write(property.Value, emitter);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonValueKind.Array:
                var emptyArray = element.GetArrayLength() == 0;
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true, emptyArray ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in element.EnumerateArray())
                {
                    Write(item, emitter);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, emitter);
                break;
            case JsonValueKind.Number:
                Plain(element.GetRawText(), emitter);
                break;
            case JsonValueKind.True:
                Plain("true", emitter);
                break;
            case JsonValueKind.False:
                Plain("false", emitter);
                break;
            default:
                Plain("null", emitter);
                break;
        }
    }

    private static void WriteString(string value, IEmitter emitter)
    {
        var style = value.Contains('\n', StringComparison.Ordinal) && !value.Contains('\r', StringComparison.Ordinal) && !HasTrailingSpaceOnALine(value)
            ? ScalarStyle.Literal
            : YamlScalar.NeedsQuotes(value) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value, style, isPlainImplicit: true, isQuotedImplicit: true));
    }

    private static void Plain(string text, IEmitter emitter) =>
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text, ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));

    private static bool HasTrailingSpaceOnALine(string value) =>
        value.Contains(" \n", StringComparison.Ordinal) || value.EndsWith(' ');
}
