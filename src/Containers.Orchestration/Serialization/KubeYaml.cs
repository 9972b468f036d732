using System.Text;
using System.Text.Json;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Serialization.Yaml;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Containers.Orchestration.Serialization;

/// <summary>
/// Manifests in YAML (and JSON, which is YAML too): read one or many documents into API objects,
/// and write objects back as <c>get -o yaml</c> shows them. YAML goes through YamlDotNet's
/// representation model into JSON and then the source-generated path, never through reflection.
/// </summary>
public static class KubeYaml
{
    /// <summary>
    /// Every object in <paramref name="yaml"/>: one per document (empty documents skipped), and the
    /// items of a <c>kind: List</c>. Strict by default: an unknown field is an error, as with
    /// <c>kubectl apply --validate=strict</c>.
    /// </summary>
    /// <exception cref="InvalidArgumentException">
    /// The YAML is malformed or passes a limit, or a document is not an object of a registered kind;
    /// the message names the document and the field path.
    /// </exception>
    public static IReadOnlyList<KubeObject> Deserialize(string yaml, ResourceRegistry? registry = null, bool strict = true, YamlLimits? limits = null)
    {
        var objects = new List<KubeObject>();
        var documents = YamlToJson.Convert(yaml, limits);
        for (var i = 0; i < documents.Count; i++)
        {
            try
            {
                AddObjects(documents[i], registry, strict, objects);
            }
            catch (InvalidArgumentException e)
            {
                throw new InvalidArgumentException(documents.Count == 1 ? e.Message : $"document {i + 1} of {documents.Count}: {e.Message}", e);
            }
        }

        return objects;
    }

    /// <summary>The YAML documents of <paramref name="yaml"/> as JSON, for callers that decode themselves.</summary>
    public static IReadOnlyList<byte[]> ToJson(string yaml, YamlLimits? limits = null) => YamlToJson.Convert(yaml, limits);

    /// <summary>One object as YAML.</summary>
    public static string Serialize(KubeObject obj) => Serialize([obj]);

    /// <summary>Objects as YAML documents separated by <c>---</c>.</summary>
    public static string Serialize(IEnumerable<KubeObject> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        return JsonToYamlText(objects.Select(KubeJson.SerializeToUtf8Bytes));
    }

    /// <summary>JSON documents (such as a server's responses) as YAML documents.</summary>
    public static string JsonToYamlText(IEnumerable<byte[]> jsonDocuments)
    {
        ArgumentNullException.ThrowIfNull(jsonDocuments);
        var text = new StringWriter(new StringBuilder()) { NewLine = "\n" };
        var emitter = new Emitter(text, new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024, indentSequences: false));
        emitter.Emit(new StreamStart());
        foreach (var json in jsonDocuments)
        {
            using var document = JsonDocument.Parse(json);
            JsonToYaml.WriteDocument(document.RootElement, emitter);
        }

        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void AddObjects(byte[] json, ResourceRegistry? registry, bool strict, List<KubeObject> objects)
    {
        var typeMeta = KubeJson.PeekTypeMeta(json);
        if (typeMeta is not { ApiVersion: "v1", Kind: "List" })
        {
            objects.Add(KubeJson.Deserialize(json, registry, strict));
            return;
        }

        using var list = JsonDocument.Parse(json);
        if (!list.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            try
            {
                objects.Add(KubeJson.Deserialize(Encoding.UTF8.GetBytes(item.GetRawText()), registry, strict));
            }
            catch (InvalidArgumentException e)
            {
                throw new InvalidArgumentException($"items[{index}]: {e.Message}", e);
            }

            index++;
        }
    }
}
