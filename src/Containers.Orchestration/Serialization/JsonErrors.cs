using System.Text.Json;

namespace Containers.Orchestration.Serialization;

/// <summary>Turns System.Text.Json's errors into Kubernetes-style <c>field.path: what</c> messages.</summary>
internal static class JsonErrors
{
    /// <summary><c>spec.replicas: …</c> from a JsonException's <c>$.spec.replicas</c> path.</summary>
    public static string Describe(JsonException e)
    {
        var path = FieldPath(e.Path);
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
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
}
