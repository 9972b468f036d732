using System.Text.Json;
using System.Text.Json.Nodes;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime.Spec;

/// <summary>Compares specs field by field through their JSON form, naming the first field that differs.</summary>
internal static class SpecJson
{
    public static JsonNode ToNode(OciSpec spec) => JsonSerializer.SerializeToNode(spec, OciJsonContext.Default.OciSpec)!;

    public static OciSpec Parse(string json) => JsonSerializer.Deserialize(json, OciJsonContext.Default.OciSpec)!;

    /// <summary>The JSON path and values of the first difference, or null when the two are equal.</summary>
    public static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        switch (expected, actual)
        {
            case (null, null):
                return null;
            case (JsonObject e, JsonObject a):
                foreach (var key in e.Select(p => p.Key).Union(a.Select(p => p.Key)).Order(StringComparer.Ordinal))
                {
                    if (!e.ContainsKey(key) || !a.ContainsKey(key))
                    {
                        return $"{path}.{key}: only in {(e.ContainsKey(key) ? "expected" : "actual")}";
                    }

                    if (FirstDifference(e[key], a[key], $"{path}.{key}") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            case (JsonArray e, JsonArray a):
                for (var i = 0; i < Math.Max(e.Count, a.Count); i++)
                {
                    if (i >= e.Count || i >= a.Count)
                    {
                        return $"{path}: {e.Count} items expected, {a.Count} actual";
                    }

                    if (FirstDifference(e[i], a[i], $"{path}[{i}]") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            default:
                return JsonNode.DeepEquals(expected, actual)
                    ? null
                    : $"{path}: expected {expected?.ToJsonString() ?? "null"}, actual {actual?.ToJsonString() ?? "null"}";
        }
    }
}
