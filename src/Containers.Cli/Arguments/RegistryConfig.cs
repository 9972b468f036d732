using System.Text.Json;
using System.Text.Json.Serialization;
using Containers.Errors;
using Containers.Images.Registry;

namespace Containers.Cli.Arguments;

/// <summary>
/// The registry settings of a root, kept in <c>&lt;root&gt;/daemon.json</c> with the keys of
/// dockerd's <c>daemon.json</c> (this CLI is its own daemon): <c>insecure-registries</c>,
/// <c>registry-mirrors</c>, <c>max-concurrent-downloads</c> and <c>max-concurrent-uploads</c>.
/// </summary>
internal sealed record RegistryConfig
{
    public const string FileName = "daemon.json";

    [JsonPropertyName("insecure-registries")]
    public IReadOnlyList<string>? InsecureRegistries { get; init; }

    [JsonPropertyName("registry-mirrors")]
    public IReadOnlyList<string>? Mirrors { get; init; }

    [JsonPropertyName("max-concurrent-downloads")]
    public int? MaxConcurrentDownloads { get; init; }

    [JsonPropertyName("max-concurrent-uploads")]
    public int? MaxConcurrentUploads { get; init; }

    /// <summary>The registry options of <paramref name="root"/>'s config (if it has one) and the command line's insecure registries.</summary>
    public static RegistryOptions Options(string root, IEnumerable<string> insecureRegistries)
    {
        var config = Load(Path.Combine(root, FileName));
        var options = new RegistryOptions
        {
            MaxParallelDownloads = config.MaxConcurrentDownloads ?? 3,
            MaxParallelUploads = config.MaxConcurrentUploads ?? 5,
        };
        foreach (var registry in (config.InsecureRegistries ?? []).Concat(insecureRegistries))
        {
            options.InsecureRegistries.Add(registry);
        }

        foreach (var mirror in config.Mirrors ?? [])
        {
            options.Mirrors.Add(mirror);
        }

        return options;
    }

    private static RegistryConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            return new RegistryConfig();
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), RegistryConfigJsonContext.Default.RegistryConfig) ?? new RegistryConfig();
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"{path} is not valid JSON ({e.Message}); fix or remove it", e);
        }
    }
}
