using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Containers.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Containers.Orchestration.Serialization.Yaml;

/// <summary>
/// Turns YAML documents into JSON through YamlDotNet's representation model and a
/// <see cref="Utf8JsonWriter"/> (no reflection, so NativeAOT keeps it), resolving scalars as
/// Kubernetes does (<see cref="YamlScalar"/>) and expanding aliases within <see cref="YamlLimits"/>.
/// </summary>
internal sealed class YamlToJson
{
    private const string StringTag = "tag:yaml.org,2002:str";
    private readonly YamlLimits _limits;
    private readonly HashSet<YamlNode> _anchored = new(ReferenceEqualityComparer.Instance);
    private int _expanded;
    private int _aliases;

    private YamlToJson(YamlLimits limits) => _limits = limits;

    /// <summary>Each non-empty document of <paramref name="yaml"/> as UTF-8 JSON, in order.</summary>
    /// <exception cref="InvalidArgumentException">The YAML is malformed, passes a limit, or holds a value JSON cannot (such as .inf).</exception>
    public static IReadOnlyList<byte[]> Convert(string yaml, YamlLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        limits ??= YamlLimits.Default;
        if (yaml.Length > limits.MaxInputLength)
        {
            throw new InvalidArgumentException($"the YAML is {yaml.Length} characters, more than the {limits.MaxInputLength} allowed: split it into smaller manifests");
        }

        var stream = Load(yaml, limits);

        var converter = new YamlToJson(limits);
        var documents = new List<byte[]>(stream.Documents.Count);
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlScalarNode { Value: null or "" or "~" or "null" } scalar && scalar.Style is ScalarStyle.Plain or ScalarStyle.Any)
            {
                continue;
            }

            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = limits.MaxDepth + 1, SkipValidation = false }))
            {
                converter.Write(document.RootNode, writer, depth: 0);
            }

            documents.Add(buffer.WrittenSpan.ToArray());
        }

        return documents;
    }

    private static YamlStream Load(string yaml, YamlLimits limits)
    {
        for (var repairs = 0; ; repairs++)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new LimitingParser(new Parser(new StringReader(yaml)), limits));
                return stream;
            }
            catch (YamlException e) when (repairs < SingleQuoteEscapes.MaxRepairs && SingleQuoteEscapes.Repair(yaml, Innermost(e)) is { } repaired)
            {
                yaml = repaired;
            }
            catch (YamlException e)
            {
                throw new InvalidArgumentException($"the YAML is not valid at line {e.Start.Line}, column {e.Start.Column}: {Innermost(e).Message}", e);
            }
            catch (ArgumentException e)
            {
                // The representation model refuses a mapping with a key twice.
                throw new InvalidArgumentException($"the YAML is not valid: {e.Message}: a mapping has the same key twice", e);
            }
        }
    }

    private void Write(YamlNode node, Utf8JsonWriter writer, int depth)
    {
        if (++_expanded > _limits.MaxExpandedNodes)
        {
            throw LimitingParser.Exceeded($"expands to more than {_limits.MaxExpandedNodes} nodes", node.Start);
        }

        if (!node.Anchor.IsEmpty && !_anchored.Add(node) && ++_aliases > _limits.MaxAliases)
        {
            throw LimitingParser.Exceeded($"expands more than {_limits.MaxAliases} aliases", node.Start);
        }

        if (depth > _limits.MaxDepth)
        {
            throw LimitingParser.Exceeded($"nests deeper than {_limits.MaxDepth} levels once aliases are expanded", node.Start);
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                var keys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (key, value) in mapping.Children)
                {
                    var name = KeyText(key);
                    if (!keys.Add(name))
                    {
                        throw new InvalidArgumentException($"the YAML has the key \"{name}\" twice in one mapping (line {key.Start.Line}): keep one");
                    }

                    writer.WritePropertyName(name);
                    Write(value, writer, depth + 1);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(item, writer, depth + 1);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(scalar, writer);
                break;
            default:
                throw new InvalidArgumentException($"the YAML has an unresolved alias at line {node.Start.Line}: define the anchor before using it");
        }
    }

    private static void WriteScalar(YamlScalarNode scalar, Utf8JsonWriter writer)
    {
        var text = scalar.Value ?? string.Empty;
        if (IsString(scalar))
        {
            writer.WriteStringValue(text);
            return;
        }

        var (kind, value) = YamlScalar.Resolve(text);
        switch (kind)
        {
            case YamlScalar.Kind.Null:
                writer.WriteNullValue();
                break;
            case YamlScalar.Kind.Bool:
                writer.WriteBooleanValue((bool)value!);
                break;
            case YamlScalar.Kind.Int:
                writer.WriteNumberValue((long)value!);
                break;
            case YamlScalar.Kind.UInt:
                writer.WriteNumberValue((ulong)value!);
                break;
            case YamlScalar.Kind.Float when double.IsFinite((double)value!):
                writer.WriteNumberValue((double)value!);
                break;
            case YamlScalar.Kind.Float:
                throw new InvalidArgumentException($"the YAML value {text} at line {scalar.Start.Line} has no JSON form: quote it to make it a string");
            default:
                writer.WriteStringValue(text);
                break;
        }
    }

    /// <summary>A mapping key as JSON needs it: a string, with non-string scalars printed as Go prints them (yes: becomes "true").</summary>
    private static string KeyText(YamlNode key)
    {
        if (key is not YamlScalarNode scalar)
        {
            throw new InvalidArgumentException($"the YAML has a mapping or sequence as a key at line {key.Start.Line}: keys must be scalars");
        }

        var text = scalar.Value ?? string.Empty;
        if (IsString(scalar))
        {
            return text;
        }

        var (kind, value) = YamlScalar.Resolve(text);
        return kind switch
        {
            YamlScalar.Kind.Null => "null",
            YamlScalar.Kind.Bool => (bool)value! ? "true" : "false",
            YamlScalar.Kind.Int => ((long)value!).ToString(CultureInfo.InvariantCulture),
            YamlScalar.Kind.UInt => ((ulong)value!).ToString(CultureInfo.InvariantCulture),
            YamlScalar.Kind.Float => ((double)value!).ToString("R", CultureInfo.InvariantCulture),
            _ => text,
        };
    }

    private static bool IsString(YamlScalarNode scalar) =>
        scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any) || (!scalar.Tag.IsEmpty && scalar.Tag.Value is StringTag or "!");

    private static YamlException Innermost(YamlException e) => e.InnerException is YamlException inner ? Innermost(inner) : e;
}
