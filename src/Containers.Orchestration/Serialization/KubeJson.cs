using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Containers.Errors;
using Containers.Orchestration.Api;

namespace Containers.Orchestration.Serialization;

/// <summary>
/// Kubernetes JSON for API objects, through the source-generated <see cref="KubeJsonContext"/>:
/// camelCase names, nulls and empty collections left out (Go's <c>omitempty</c>), RFC 3339 times.
/// Decoding finds the kind from <c>apiVersion</c> and <c>kind</c> in a registry.
/// </summary>
/// <remarks>
/// Unknown fields: <see cref="Options"/> drops them (objects read back from a store or a newer
/// server); <see cref="StrictOptions"/> rejects them with the field path, as
/// <c>kubectl apply --validate=strict</c> does, and is what manifests are decoded with. Status
/// types drop unknown fields even then: status is written by controllers and nodes, and a manifest
/// saved from a newer cluster's <c>get -o yaml</c> carries status fields this model does not have.
/// </remarks>
public static class KubeJson
{
    /// <summary>Lenient: unknown fields are dropped.</summary>
    public static JsonSerializerOptions Options { get; } = Create(JsonUnmappedMemberHandling.Skip);

    /// <summary>Strict: an unknown field is an error naming its path.</summary>
    public static JsonSerializerOptions StrictOptions { get; } = Create(JsonUnmappedMemberHandling.Disallow);

    /// <summary>The lenient contract of a registered type.</summary>
    public static JsonTypeInfo GetTypeInfo(Type type) => Options.GetTypeInfo(type);

    public static JsonTypeInfo<T> GetTypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    public static byte[] SerializeToUtf8Bytes(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return JsonSerializer.SerializeToUtf8Bytes(obj, GetTypeInfo(obj.GetType()));
    }

    public static string Serialize(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return JsonSerializer.Serialize(obj, GetTypeInfo(obj.GetType()));
    }

    public static void Serialize(Utf8JsonWriter writer, KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(obj);
        JsonSerializer.Serialize(writer, obj, GetTypeInfo(obj.GetType()));
    }

    /// <summary>Decodes one object of a kind found by its apiVersion and kind in <paramref name="registry"/>.</summary>
    /// <exception cref="InvalidArgumentException">The JSON is malformed, names no registered kind, or (strict) has an unknown field.</exception>
    public static KubeObject Deserialize(ReadOnlySpan<byte> utf8Json, ResourceRegistry? registry = null, bool strict = false)
    {
        var typeMeta = PeekTypeMeta(utf8Json);
        var type = (registry ?? ResourceRegistry.Default).Find(typeMeta.ApiVersion, typeMeta.Kind)
            ?? throw new InvalidArgumentException($"no kind \"{typeMeta.Kind}\" is registered for version \"{typeMeta.ApiVersion}\": check apiVersion and kind");
        return Deserialize(utf8Json, type, strict);
    }

    /// <summary>Decodes one object of <paramref name="type"/>.</summary>
    public static KubeObject Deserialize(ReadOnlySpan<byte> utf8Json, ResourceType type, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(type);
        var info = strict ? StrictOptions.GetTypeInfo(type.ClrType) : type.TypeInfo;
        try
        {
            return (KubeObject?)JsonSerializer.Deserialize(utf8Json, info)
                ?? throw new InvalidArgumentException($"{type.Kind}: the document is null: write an object");
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"{type.Kind}: {JsonErrors.Describe(e)}", e);
        }
    }

    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json, bool strict = false)
        where T : class
    {
        var info = (JsonTypeInfo<T>)(strict ? StrictOptions : Options).GetTypeInfo(typeof(T));
        try
        {
            return JsonSerializer.Deserialize(utf8Json, info)
                ?? throw new InvalidArgumentException($"{typeof(T).Name}: the document is null: write an object");
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"{typeof(T).Name}: {JsonErrors.Describe(e)}", e);
        }
    }

    /// <summary>The apiVersion and kind of a JSON object, read without decoding the rest.</summary>
    /// <exception cref="InvalidArgumentException">Not a JSON object, or apiVersion or kind is missing.</exception>
    public static TypeMeta PeekTypeMeta(ReadOnlySpan<byte> utf8Json)
    {
        string? apiVersion = null;
        string? kind = null;
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidArgumentException("an API object must be a JSON object with apiVersion and kind");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("apiVersion"u8))
                {
                    reader.Read();
                    apiVersion = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("kind"u8))
                {
                    reader.Read();
                    kind = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }

                if (apiVersion is not null && kind is not null)
                {
                    break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"the object is not valid JSON: {e.Message}", e);
        }

        return string.IsNullOrEmpty(apiVersion) ? throw new InvalidArgumentException("apiVersion: Required value: set apiVersion, such as v1 or apps/v1")
            : string.IsNullOrEmpty(kind) ? throw new InvalidArgumentException("kind: Required value: set kind, such as Pod or Deployment")
            : new TypeMeta(apiVersion, kind);
    }

    /// <summary>A copy that shares nothing with <paramref name="obj"/> (a JSON round trip).</summary>
    public static T DeepClone<T>(T obj)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(obj);
        var info = GetTypeInfo(obj.GetType());
        return (T)JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(obj, info), info)!;
    }

    /// <summary>
    /// True when both values write the same JSON: Kubernetes' semantic equality (a missing list
    /// equals an empty one), for any registered type, such as two specs.
    /// </summary>
    public static bool SemanticEquals<T>(T? a, T? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.GetType() != b.GetType())
        {
            return false;
        }

        var info = GetTypeInfo(a.GetType());
        return JsonSerializer.SerializeToUtf8Bytes(a, info).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, info));
    }

    private static JsonSerializerOptions Create(JsonUnmappedMemberHandling unmapped)
    {
        var options = new JsonSerializerOptions(KubeJsonContext.Default.Options)
        {
            UnmappedMemberHandling = unmapped,
            TypeInfoResolver = KubeJsonContext.Default.WithAddedModifier(OmitEmptyCollections),
        };
        options.MakeReadOnly();
        return options;
    }

    private static void OmitEmptyCollections(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in info.Properties)
        {
            if (property.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(property.PropertyType))
            {
                property.ShouldSerialize = static (_, value) => value is not ICollection { Count: 0 };
            }
        }
    }
}
