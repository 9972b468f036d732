using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Containers.Orchestration.Api;

namespace Containers.Orchestration.Server;

/// <summary>
/// Splits any kind into the parts the API server treats differently, through its JSON form (the
/// kinds are records with no common spec type): metadata, status, and the rest, the desired state
/// ("spec" for most kinds; "data", "rules" or "subjects" for others), whose change bumps generation.
/// </summary>
internal static class ObjectParts
{
    private static readonly ConcurrentDictionary<ResourceType, bool> StatusKinds = new();

    /// <summary>Whether the kind has a status (and so a status subresource).</summary>
    public static bool HasStatus(ResourceType type) =>
        StatusKinds.GetOrAdd(type, static t => t.TypeInfo.Properties.Any(p => p.Name == "status"));

    public static JsonObject ToNode(ResourceType type, KubeObject obj) =>
        (JsonObject)JsonSerializer.SerializeToNode(obj, type.TypeInfo)!;

    public static KubeObject FromNode(ResourceType type, JsonNode node) =>
        (KubeObject)node.Deserialize(type.TypeInfo)!;

    /// <summary><paramref name="target"/> with the status of <paramref name="source"/> (none when it has none).</summary>
    public static KubeObject WithStatusOf(ResourceType type, KubeObject target, KubeObject? source)
    {
        var node = ToNode(type, target);
        var status = source is null ? null : ToNode(type, source)["status"];
        if (JsonNode.DeepEquals(node["status"], status))
        {
            return target;
        }

        node.Remove("status");
        if (status is not null)
        {
            node["status"] = status.DeepClone();
        }

        return FromNode(type, node);
    }

    /// <summary>True when the desired state (everything but apiVersion, kind, metadata and status) differs.</summary>
    public static bool DesiredStateDiffers(ResourceType type, KubeObject a, KubeObject b)
    {
        var x = ToNode(type, a);
        var y = ToNode(type, b);
        foreach (var key in x.Select(p => p.Key).Union(y.Select(p => p.Key)))
        {
            if (key is "apiVersion" or "kind" or "metadata" or "status")
            {
                continue;
            }

            if (!JsonNode.DeepEquals(x[key], y[key]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the two write the same JSON once their resourceVersions are ignored.</summary>
    public static bool SameButVersion(ResourceType type, KubeObject a, KubeObject b)
    {
        var x = a with { Metadata = a.Metadata with { ResourceVersion = null } };
        var y = b with { Metadata = b.Metadata with { ResourceVersion = null } };
        return JsonSerializer.SerializeToUtf8Bytes(x, type.TypeInfo).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(y, type.TypeInfo));
    }
}
