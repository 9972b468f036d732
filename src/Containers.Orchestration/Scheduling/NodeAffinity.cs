using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Scheduling;

/// <summary>
/// A pod's required node placement: its nodeSelector and its
/// <c>affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution</c> (node selector terms,
/// ORed; each term's matchExpressions on labels and matchFields on <c>metadata.name</c>, ANDed), as
/// the scheduler's NodeAffinity filter and the DaemonSet controller evaluate them.
/// </summary>
public static class NodeAffinity
{
    /// <summary>True when <paramref name="node"/> satisfies both the nodeSelector and the required node affinity of <paramref name="spec"/>.</summary>
    public static bool Matches(PodSpec spec, Node node)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(node);
        foreach (var (key, value) in spec.NodeSelector)
        {
            if (!node.Metadata.Labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        if (RequiredTerms(spec) is not { } terms)
        {
            return true;
        }

        // An empty list of terms matches no node, as in Kubernetes.
        foreach (var term in terms.EnumerateArray())
        {
            if (TermMatches(term, node))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <paramref name="affinity"/> with its required node affinity replaced by the one term that
    /// selects only <paramref name="nodeName"/> by <c>metadata.name</c>, everything else kept: how the
    /// DaemonSet controller pins a daemon pod to its node and lets the scheduler bind it.
    /// </summary>
    public static JsonElement PinToNode(JsonElement? affinity, string nodeName)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        var root = affinity is { ValueKind: JsonValueKind.Object } a ? JsonNode.Parse(a.GetRawText())!.AsObject() : [];
        if (root["nodeAffinity"] is not JsonObject nodeAffinity)
        {
            root["nodeAffinity"] = nodeAffinity = [];
        }

        nodeAffinity["requiredDuringSchedulingIgnoredDuringExecution"] = new JsonObject
        {
            ["nodeSelectorTerms"] = new JsonArray(new JsonObject
            {
                ["matchFields"] = new JsonArray(new JsonObject
                {
                    ["key"] = "metadata.name",
                    ["operator"] = "In",
                    ["values"] = new JsonArray(nodeName),
                }),
            }),
        };
        using var document = JsonDocument.Parse(root.ToJsonString());
        return document.RootElement.Clone();
    }

    /// <summary>The node a daemon pod's affinity pins it to (a matchFields term on metadata.name with one value), or null.</summary>
    public static string? PinnedNode(PodSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (RequiredTerms(spec) is not { } terms)
        {
            return null;
        }

        foreach (var term in terms.EnumerateArray())
        {
            if (term.TryGetProperty("matchFields", out var fields) && fields.ValueKind == JsonValueKind.Array)
            {
                foreach (var field in fields.EnumerateArray())
                {
                    if (Text(field, "key") == "metadata.name" && Text(field, "operator") == "In"
                        && field.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() == 1)
                    {
                        return values[0].GetString();
                    }
                }
            }
        }

        return null;
    }

    private static JsonElement? RequiredTerms(PodSpec spec)
    {
        if (spec.Affinity is not { ValueKind: JsonValueKind.Object } affinity
            || !affinity.TryGetProperty("nodeAffinity", out var nodeAffinity) || nodeAffinity.ValueKind != JsonValueKind.Object
            || !nodeAffinity.TryGetProperty("requiredDuringSchedulingIgnoredDuringExecution", out var required) || required.ValueKind != JsonValueKind.Object
            || !required.TryGetProperty("nodeSelectorTerms", out var terms) || terms.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        return terms;
    }

    private static bool TermMatches(JsonElement term, Node node)
    {
        var any = false;
        if (term.TryGetProperty("matchExpressions", out var expressions) && expressions.ValueKind == JsonValueKind.Array)
        {
            foreach (var e in expressions.EnumerateArray())
            {
                any = true;
                var key = Text(e, "key") ?? string.Empty;
                var value = node.Metadata.Labels.TryGetValue(key, out var v) ? v : null;
                if (!RequirementMatches(e, value))
                {
                    return false;
                }
            }
        }

        if (term.TryGetProperty("matchFields", out var fields) && fields.ValueKind == JsonValueKind.Array)
        {
            foreach (var f in fields.EnumerateArray())
            {
                any = true;
                var value = Text(f, "key") == "metadata.name" ? node.Name : null;
                if (!RequirementMatches(f, value))
                {
                    return false;
                }
            }
        }

        // A term with no requirements matches nothing.
        return any;
    }

    private static bool RequirementMatches(JsonElement requirement, string? value)
    {
        var values = requirement.TryGetProperty("values", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(v => v.GetString() ?? string.Empty).ToList()
            : [];
        return Text(requirement, "operator") switch
        {
            "In" => value is not null && values.Contains(value),
            "NotIn" => value is null || !values.Contains(value),
            "Exists" => value is not null,
            "DoesNotExist" => value is null,
            "Gt" => Compare(value, values) > 0,
            "Lt" => Compare(value, values) < 0,
            _ => false,
        };
    }

    /// <summary>The sign of value − bound for integer labels; 0 (matching neither Gt nor Lt) when either is not an integer.</summary>
    private static int Compare(string? value, List<string> values) =>
        values.Count == 1
        && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
        && long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound)
            ? v.CompareTo(bound)
            : 0;

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
}
