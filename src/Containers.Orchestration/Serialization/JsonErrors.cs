using System.Text.Json;
using System.Text.RegularExpressions;

namespace Containers.Orchestration.Serialization;

/// <summary>Turns System.Text.Json's errors into Kubernetes-style <c>field.path: what</c> messages.</summary>
internal static partial class JsonErrors
{
    /// <summary>
    /// <c>strict decoding error: unknown field "spec.foo"</c> for an unknown field (kubectl's wording),
    /// <c>spec.replicas: Invalid value: expected an integer</c> for a wrong type, else the path and the message.
    /// </summary>
    public static string Describe(JsonException e)
    {
        var path = FieldPath(e.Path);
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }

        if (Unmapped().Match(message) is { Success: true } unknown)
        {
            var field = path.EndsWith(unknown.Groups[1].Value, StringComparison.Ordinal) ? path : Join(path, unknown.Groups[1].Value);
            return $"strict decoding error: unknown field \"{field}\"";
        }

        if (WrongType().Match(message) is { Success: true } wrong)
        {
            return $"{(path.Length == 0 ? "<root>" : path)}: Invalid value: expected {Friendly(wrong.Groups[1].Value)}";
        }

        return path.Length == 0 ? message : $"{path}: {message}";
    }

    /// <summary><c>$.spec.containers[0].image</c> to <c>spec.containers[0].image</c>; quoted names <c>$['a.b']</c> to <c>[a.b]</c>.</summary>
    public static string FieldPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return string.Empty;
        }

        var path = jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
        return path.Replace("['", "[", StringComparison.Ordinal).Replace("']", "]", StringComparison.Ordinal);
    }

    private static string Join(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";

    private static string Friendly(string type) => type switch
    {
        "System.String" => "a string",
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" or "System.Nullable`1[System.Int64]" => "an integer",
        "System.Boolean" or "System.Nullable`1[System.Boolean]" => "a boolean (true or false)",
        "System.DateTimeOffset" or "System.Nullable`1[System.DateTimeOffset]" => "an RFC 3339 time",
        "System.Byte[]" => "a base64 string",
        _ when type.Contains("IReadOnlyList", StringComparison.Ordinal) => "a list",
        _ when type.Contains("IReadOnlyDictionary", StringComparison.Ordinal) => "a map",
        _ => "an object",
    };

    [GeneratedRegex(@"^The JSON property '([^']*)' could not be mapped to any \.NET member", RegexOptions.CultureInvariant)]
    private static partial Regex Unmapped();

    [GeneratedRegex(@"^The JSON value could not be converted to (\S+)\.", RegexOptions.CultureInvariant)]
    private static partial Regex WrongType();
}
