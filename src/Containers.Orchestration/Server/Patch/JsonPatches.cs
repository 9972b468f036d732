using System.Text.Json;
using System.Text.Json.Nodes;
using Containers.Errors;

namespace Containers.Orchestration.Server.Patch;

/// <summary>
/// The patch formats of the Kubernetes API over <see cref="JsonNode"/> trees: RFC 7386 merge patch,
/// a strategic merge patch that merges the built-in kinds' keyed lists, and RFC 6902 JSON patch.
/// </summary>
public static class JsonPatches
{
    /// <summary>The merge key of each list field of the built-in kinds that a strategic merge patch merges by key.</summary>
    private static readonly Dictionary<string, string> MergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["volumes"] = "name",
        ["env"] = "name",
        ["imagePullSecrets"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["ownerReferences"] = "uid",
        ["conditions"] = "type",
        ["hostAliases"] = "ip",
        ["readinessGates"] = "conditionType",
        ["topologySpreadConstraints"] = "topologyKey",
    };

    /// <summary>The lists of strings a strategic merge patch merges as sets.</summary>
    private static readonly HashSet<string> MergedSets = new(StringComparer.Ordinal) { "finalizers" };

    /// <summary>Parses a patch document.</summary>
    /// <exception cref="InvalidArgumentException">It is not JSON.</exception>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonNode.Parse(utf8);
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"the patch is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Applies <paramref name="patch"/> to a copy of <paramref name="target"/> and returns the result.</summary>
    /// <exception cref="InvalidArgumentException">The patch does not fit its format or the target.</exception>
    public static JsonNode Apply(PatchType type, JsonNode target, JsonNode? patch)
    {
        ArgumentNullException.ThrowIfNull(target);
        var result = type switch
        {
            PatchType.Merge => MergePatch(target.DeepClone(), patch),
            PatchType.StrategicMerge => StrategicMerge(target.DeepClone(), patch, null),
            PatchType.Json => JsonPatch(target.DeepClone(), patch),
            _ => throw new InvalidArgumentException($"patch type {type} is not supported: use a merge, strategic merge or JSON patch"),
        };
        return result as JsonObject ?? throw new InvalidArgumentException("the patch must leave an object, not replace it with a non-object");
    }

    /// <summary>
    /// kubectl apply's three-way patch, as a strategic merge patch: everything in
    /// <paramref name="modified"/> (the manifest now), plus deletions of what
    /// <paramref name="lastApplied"/> (the manifest applied before) had and the manifest no longer
    /// has: null for a field, <c>$patch: delete</c> for an element of a keyed list. Fields others
    /// set (defaults, controllers) are left alone.
    /// </summary>
    public static JsonNode ThreeWay(JsonNode? lastApplied, JsonNode modified)
    {
        ArgumentNullException.ThrowIfNull(modified);
        return Diff(lastApplied, modified, null)!;
    }

    private static JsonNode? Diff(JsonNode? last, JsonNode? modified, string? field)
    {
        switch (modified)
        {
            case JsonObject now:
                var result = new JsonObject();
                foreach (var (key, value) in now)
                {
                    result[key] = last is JsonObject before && before.TryGetPropertyValue(key, out var old) ? Diff(old, value, key) : value?.DeepClone();
                }

                if (last is JsonObject previous)
                {
                    foreach (var (key, _) in previous)
                    {
                        if (!now.ContainsKey(key))
                        {
                            result[key] = null;
                        }
                    }
                }

                return result;
            case JsonArray now when last is JsonArray before && field is not null && MergeKeyOf(field, now, before) is { } key:
                var merged = new List<JsonNode?>();
                foreach (var element in now)
                {
                    var match = before.OfType<JsonObject>().FirstOrDefault(b => JsonNode.DeepEquals(b[key], element?[key]));
                    merged.Add(match is null ? element?.DeepClone() : Diff(match, element, null));
                }

                foreach (var gone in before.OfType<JsonObject>().Where(b => !now.OfType<JsonObject>().Any(n => JsonNode.DeepEquals(n[key], b[key]))))
                {
                    merged.Add(new JsonObject { [key] = gone[key]?.DeepClone(), ["$patch"] = "delete" });
                }

                return new JsonArray([.. merged]);
            default:
                return modified?.DeepClone();
        }
    }

    /// <summary>RFC 7386: objects merge member by member, null removes a member, anything else replaces.</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var merged = MergePatch(result[key], value);
                result.Remove(key);
                result[key] = merged;
            }
        }

        return result;
    }

    private static JsonNode? StrategicMerge(JsonNode? target, JsonNode? patch, string? field)
    {
        switch (patch)
        {
            case JsonObject patchObject:
                var directive = Directive(patchObject);
                if (directive == "replace")
                {
                    var replacement = (JsonObject)patchObject.DeepClone();
                    replacement.Remove("$patch");
                    return replacement;
                }

                if (directive == "delete")
                {
                    return null;
                }

                var result = target as JsonObject ?? [];
                foreach (var (key, value) in patchObject)
                {
                    if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
                    {
                        var list = key["$deleteFromPrimitiveList/".Length..];
                        if (result[list] is JsonArray existing && value is JsonArray remove)
                        {
                            result[list] = new JsonArray([.. existing.Where(e => !remove.Any(r => JsonNode.DeepEquals(e, r))).Select(e => e?.DeepClone())]);
                        }

                        continue;
                    }

                    if (key.StartsWith('$'))
                    {
                        // $setElementOrder and $retainKeys only order or prune what merging already did.
                        continue;
                    }

                    if (value is null)
                    {
                        result.Remove(key);
                        continue;
                    }

                    var merged = StrategicMerge(result[key], value, key);
                    result.Remove(key);
                    if (merged is not null)
                    {
                        result[key] = merged;
                    }
                }

                return result;
            case JsonArray patchArray when target is JsonArray targetArray && field is not null:
                if (MergedSets.Contains(field))
                {
                    var union = targetArray.Select(e => e?.DeepClone()).ToList();
                    union.AddRange(patchArray.Where(p => !union.Any(u => JsonNode.DeepEquals(u, p))).Select(p => p?.DeepClone()));
                    return new JsonArray([.. union]);
                }

                return MergeKeyOf(field, patchArray, targetArray) is { } mergeKey
                    ? MergeByKey(targetArray, patchArray, mergeKey)
                    : WithoutDirectives(patchArray);
            case JsonArray patchArray:
                return WithoutDirectives(patchArray);
            default:
                return patch?.DeepClone();
        }
    }

    private static JsonArray MergeByKey(JsonArray target, JsonArray patch, string key)
    {
        var result = target.Select(e => e?.DeepClone()).ToList();
        foreach (var element in patch.OfType<JsonObject>())
        {
            var id = element[key];
            var index = result.FindIndex(e => e is JsonObject o && JsonNode.DeepEquals(o[key], id));
            var directive = Directive(element);
            if (directive == "delete")
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }

                continue;
            }

            if (index < 0)
            {
                var added = (JsonObject)element.DeepClone();
                added.Remove("$patch");
                result.Add(added);
            }
            else
            {
                result[index] = StrategicMerge(result[index], element, null);
            }
        }

        return new JsonArray([.. result]);
    }

    private static string? MergeKeyOf(string field, JsonArray patch, JsonArray target)
    {
        if (patch.Count == 0 || patch.Any(e => e is not JsonObject))
        {
            return null;
        }

        if (field == "ports")
        {
            return patch.Concat(target).OfType<JsonObject>().Any(e => e.ContainsKey("containerPort")) ? "containerPort" : "port";
        }

        return MergeKeys.GetValueOrDefault(field) is { } key && patch.All(e => e is JsonObject o && o.ContainsKey(key)) ? key : null;
    }

    private static JsonArray WithoutDirectives(JsonArray array) =>
        new([.. array.Where(e => e is not JsonObject o || Directive(o) != "delete").Select(e =>
        {
            var copy = e?.DeepClone();
            (copy as JsonObject)?.Remove("$patch");
            return copy;
        })]);

    private static string? Directive(JsonObject obj) =>
        obj["$patch"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>RFC 6902: add, remove, replace, move, copy and test, with JSON pointers.</summary>
    private static JsonNode? JsonPatch(JsonNode target, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw new InvalidArgumentException("a JSON patch is a list of operations such as {\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}");
        }

        JsonNode? root = target;
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op || op["op"]?.GetValue<string>() is not { } name || op["path"]?.GetValue<string>() is not { } path)
            {
                throw new InvalidArgumentException("each JSON patch operation needs \"op\" and \"path\"");
            }

            switch (name)
            {
                case "add":
                    root = Add(root, path, Value(op));
                    break;
                case "remove":
                    root = Remove(root, path, out _);
                    break;
                case "replace":
                    root = Remove(root, path, out _);
                    root = Add(root, path, Value(op));
                    break;
                case "move":
                    root = Remove(root, From(op), out var moved);
                    root = Add(root, path, moved);
                    break;
                case "copy":
                    root = Add(root, path, Get(root, From(op))?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(root, path), op["value"]))
                    {
                        throw new InvalidArgumentException($"JSON patch test failed: the value at {path} is not {op["value"]?.ToJsonString() ?? "null"}");
                    }

                    break;
                default:
                    throw new InvalidArgumentException($"JSON patch operation \"{name}\" is not one of add, remove, replace, move, copy, test");
            }
        }

        return root;

        static JsonNode? Value(JsonObject op) =>
            op.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw new InvalidArgumentException($"JSON patch operation {op["op"]} needs a \"value\"");

        static string From(JsonObject op) =>
            op["from"]?.GetValue<string>() ?? throw new InvalidArgumentException($"JSON patch operation {op["op"]} needs a \"from\"");
    }

    private static JsonNode? Get(JsonNode? root, string path)
    {
        var node = root;
        foreach (var token in Pointer(path))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw new InvalidArgumentException($"JSON patch path {path} does not exist"),
            };
        }

        return node;
    }

    private static JsonNode? Add(JsonNode? root, string path, JsonNode? value)
    {
        var tokens = Pointer(path);
        if (tokens.Count == 0)
        {
            return value;
        }

        var parent = Get(root, ToPointer(tokens[..^1]));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o:
                o.Remove(last);
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw new InvalidArgumentException($"JSON patch path {path} cannot be added to");
        }

        return root;
    }

    private static JsonNode? Remove(JsonNode? root, string path, out JsonNode? removed)
    {
        var tokens = Pointer(path);
        if (tokens.Count == 0)
        {
            removed = root;
            return null;
        }

        var parent = Get(root, ToPointer(tokens[..^1]));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out removed):
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                removed = a[i];
                a.RemoveAt(i);
                break;
            default:
                throw new InvalidArgumentException($"JSON patch path {path} does not exist");
        }

        return root;
    }

    private static List<string> Pointer(string path)
    {
        if (path.Length == 0)
        {
            return [];
        }

        if (path[0] != '/')
        {
            throw new InvalidArgumentException($"JSON patch path \"{path}\" must start with '/'");
        }

        return [.. path[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    private static string ToPointer(List<string> tokens) =>
        string.Concat(tokens.Select(t => "/" + t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
}
