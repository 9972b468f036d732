using System.Text.Json;
using Containers.Errors;
using Containers.Images.Json;

namespace Containers.Images;

/// <summary>
/// Reads and writes manifests, indexes and configs. Reading is strict where confusion is an
/// attack: a document that is both a manifest and an index, or whose <c>mediaType</c> says
/// something other than what it was fetched as, is refused. Callers keep the raw bytes: the
/// digest of a document is always the digest of the bytes that were read, never of a re-encoding.
/// </summary>
public static class OciDocuments
{
    /// <summary>The largest manifest or index read (the reference registry's own limit).</summary>
    public const int MaxManifestSize = 4 * 1024 * 1024;

    /// <summary>The largest image config read.</summary>
    public const int MaxConfigSize = 8 * 1024 * 1024;

    /// <summary>Tells what a document is by its fields and its <c>mediaType</c>, refusing ambiguity.</summary>
    public static MediaType DetectMediaType(ReadOnlySpan<byte> json, string what = "document")
    {
        var shape = Inspect(json, what);
        if (shape.HasManifests && (shape.HasConfig || shape.HasLayers))
        {
            throw new InvalidArgumentException($"{what} is both a manifest (config/layers) and an index (manifests); refusing an ambiguous document");
        }

        if (shape.MediaType is { } declared)
        {
            if ((declared.IsIndex && (shape.HasConfig || shape.HasLayers)) || (declared.IsManifest && shape.HasManifests))
            {
                throw new InvalidArgumentException($"{what} declares mediaType \"{declared}\" but has the fields of the other kind of document");
            }

            return declared;
        }

        // OCI lets mediaType be absent; the fields decide.
        return shape.HasManifests ? MediaType.OciIndex
            : shape.HasConfig ? MediaType.OciManifest
            : throw new InvalidArgumentException($"{what} is neither a manifest (no config) nor an index (no manifests)");
    }

    /// <summary>Parses an image manifest; <paramref name="expected"/> is the media type it was asked for, if any.</summary>
    public static ImageManifest ParseManifest(ReadOnlySpan<byte> json, MediaType? expected = null, string what = "manifest")
    {
        CheckSize(json.Length, MaxManifestSize, what);
        var actual = DetectMediaType(json, what);
        if (!actual.IsManifest)
        {
            throw new InvalidArgumentException($"{what} has mediaType \"{actual}\", not an image manifest; expected {expected?.ToString() ?? MediaType.OciManifest.ToString()}");
        }

        CheckExpected(actual, expected, what);
        var manifest = Deserialize(json, OciJsonContext.Relaxed.ImageManifest, what);
        CheckSchema(manifest.SchemaVersion, what);
        if (manifest.Config is null || manifest.Layers is null)
        {
            throw new InvalidArgumentException($"{what} must have both config and layers");
        }

        return manifest.Layers.Any(l => l is null)
            ? throw new InvalidArgumentException($"{what} has a null entry in layers")
            : manifest;
    }

    /// <summary>Parses an index or manifest list.</summary>
    public static ImageIndex ParseIndex(ReadOnlySpan<byte> json, MediaType? expected = null, string what = "index")
    {
        CheckSize(json.Length, MaxManifestSize, what);
        var actual = DetectMediaType(json, what);
        if (!actual.IsIndex)
        {
            throw new InvalidArgumentException($"{what} has mediaType \"{actual}\", not an index; expected {expected?.ToString() ?? MediaType.OciIndex.ToString()}");
        }

        CheckExpected(actual, expected, what);
        var index = Deserialize(json, OciJsonContext.Relaxed.ImageIndex, what);
        CheckSchema(index.SchemaVersion, what);
        return index.Manifests is null ? throw new InvalidArgumentException($"{what} must have a manifests array")
            : index.Manifests.Any(m => m is null) ? throw new InvalidArgumentException($"{what} has a null entry in manifests")
            : index;
    }

    /// <summary>Parses an image configuration blob.</summary>
    public static ImageConfiguration ParseConfig(ReadOnlySpan<byte> json, string what = "image config")
    {
        CheckSize(json.Length, MaxConfigSize, what);
        var config = Deserialize(json, OciJsonContext.Relaxed.ImageConfiguration, what);
        if (string.IsNullOrEmpty(config.OS) || string.IsNullOrEmpty(config.Architecture))
        {
            throw new InvalidArgumentException($"{what} must name os and architecture");
        }

        return config.RootFs?.DiffIds is null
            ? throw new InvalidArgumentException($"{what} must have rootfs.diff_ids")
            : config;
    }

    public static byte[] Serialize(ImageManifest manifest) =>
        JsonSerializer.SerializeToUtf8Bytes(manifest, OciJsonContext.Relaxed.ImageManifest);

    public static byte[] Serialize(ImageIndex index) =>
        JsonSerializer.SerializeToUtf8Bytes(index, OciJsonContext.Relaxed.ImageIndex);

    public static byte[] Serialize(ImageConfiguration config) =>
        JsonSerializer.SerializeToUtf8Bytes(config, OciJsonContext.Relaxed.ImageConfiguration);

    private static T Deserialize<T>(ReadOnlySpan<byte> json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, info)
                ?? throw new InvalidArgumentException($"{what} is JSON null");
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"{what} is not valid: {e.Message}", e);
        }
    }

    private static void CheckExpected(MediaType actual, MediaType? expected, string what)
    {
        if (expected is { } wanted && wanted != actual)
        {
            throw new InvalidArgumentException($"{what} has mediaType \"{actual}\" but was asked for as \"{wanted}\"");
        }
    }

    private static void CheckSchema(int version, string what)
    {
        if (version != 2)
        {
            throw new InvalidArgumentException($"{what} has schemaVersion {version}; only 2 is supported (schema 1 is deprecated)");
        }
    }

    private static void CheckSize(int size, int limit, string what)
    {
        if (size > limit)
        {
            throw new InvalidArgumentException($"{what} is {size} bytes, over the limit of {limit}");
        }
    }

    private static DocumentShape Inspect(ReadOnlySpan<byte> json, string what)
    {
        var shape = default(DocumentShape);
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 32 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidArgumentException($"{what} is not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("manifests"u8))
                {
                    shape.HasManifests = true;
                }
                else if (reader.ValueTextEquals("config"u8))
                {
                    shape.HasConfig = true;
                }
                else if (reader.ValueTextEquals("layers"u8))
                {
                    shape.HasLayers = true;
                }
                else if (reader.ValueTextEquals("mediaType"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new InvalidArgumentException($"{what} has a mediaType that is not a string");
                    }

                    shape.MediaType = new MediaType(reader.GetString()!);
                    continue;
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"{what} is not valid JSON: {e.Message}", e);
        }

        return shape;
    }

    private struct DocumentShape
    {
        public bool HasManifests;
        public bool HasConfig;
        public bool HasLayers;
        public MediaType? MediaType;
    }
}
