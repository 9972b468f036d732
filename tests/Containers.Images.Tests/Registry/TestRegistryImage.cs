using System.Text;

namespace Containers.Images.Tests.Registry;

/// <summary>An image made of random uncompressed layers, for registry tests: its descriptors and bytes.</summary>
internal sealed record TestRegistryImage(Descriptor Manifest, byte[] ManifestBytes, Descriptor Config, byte[] ConfigBytes, IReadOnlyList<(Descriptor Descriptor, byte[] Bytes)> Layers)
{
    /// <summary>Config and layers, with their bytes.</summary>
    public IEnumerable<(Descriptor Descriptor, byte[] Bytes)> Blobs => Layers.Prepend((Config, ConfigBytes));

    public static TestRegistryImage Create(params int[] layerSizes) => Create(Platform.Current, MediaType.OciManifest, layerSizes);

    public static TestRegistryImage Create(Platform platform, MediaType manifestType, params int[] layerSizes) =>
        FromLayers(platform, manifestType, [.. layerSizes.Select(size =>
        {
            var bytes = new byte[size];
            Random.Shared.NextBytes(bytes);
            return bytes;
        })]);

    /// <summary>An image of the given uncompressed layers (real tars, for a test that unpacks them).</summary>
    public static TestRegistryImage FromLayers(Platform platform, MediaType manifestType, IReadOnlyList<byte[]> layerBlobs)
    {
        var layers = layerBlobs.Select(bytes =>
            (new Descriptor { MediaType = manifestType.IsDocker ? MediaType.DockerLayer : MediaType.OciLayer, Digest = Digest.Compute(bytes), Size = bytes.Length }, bytes)).ToList();
        var diffIds = string.Join(",", layers.Select(l => $"\"{l.Item1.Digest}\""));
        var variant = platform.Variant is { } v ? $",\"variant\":\"{v}\"" : string.Empty;
        var config = Encoding.UTF8.GetBytes(
            $"{{\"architecture\":\"{platform.Architecture}\",\"os\":\"{platform.OS}\"{variant},\"config\":{{\"Cmd\":[\"sh\"]}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{diffIds}]}}}}");
        var configDescriptor = Descriptor.For(manifestType.IsDocker ? MediaType.DockerConfig : MediaType.OciConfig, config);
        var manifest = OciDocuments.Serialize(new ImageManifest
        {
            MediaType = manifestType,
            Config = configDescriptor,
            Layers = [.. layers.Select(l => l.Item1)],
        });
        return new TestRegistryImage(Descriptor.For(manifestType, manifest), manifest, configDescriptor, config, layers);
    }

    /// <summary>This image's manifest as it is named in an index, with its platform.</summary>
    public Descriptor ForIndex(Platform platform) => Manifest with { Platform = platform };
}
