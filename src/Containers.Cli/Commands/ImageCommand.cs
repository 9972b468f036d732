using System.CommandLine;
using System.Text.Json;
using Containers.Errors;
using Containers.Images;
using Containers.Images.Layers;
using Containers.Images.Layout;

namespace Containers.Cli.Commands;

/// <summary><c>containers image …</c>: work with images in OCI layouts.</summary>
internal static class ImageCommand
{
    public static Command Create(TextWriter output) => new("image", "Inspect, validate and create images in OCI image layouts")
    {
        Inspect(output),
        Validate(output),
        Import(output),
    };

    private static Command Inspect(TextWriter output)
    {
        var image = new Argument<string>("image") { Description = "<oci-layout-dir>:<tag>, or <oci-layout-dir> when it holds one image" };
        var platform = new Option<string?>("--platform") { Description = "os/arch[/variant] to pick from an index (default: this machine's)" };
        var command = new Command("inspect", "Print an image's manifest and config as JSON") { image, platform };
        command.SetAction(async (result, cancellationToken) =>
        {
            var loaded = await OpenAsync(result.GetRequiredValue(image), result.GetValue(platform), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(Render(loaded)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command Validate(TextWriter output)
    {
        var image = new Argument<string>("image") { Description = "<oci-layout-dir>:<tag>" };
        var command = new Command("validate", "Verify every digest, size and invariant of an image, layers included") { image };
        command.SetAction(async (result, cancellationToken) =>
        {
            var loaded = await OpenAsync(result.GetRequiredValue(image), null, cancellationToken).ConfigureAwait(false);
            await ImageValidator.ThrowIfInvalidAsync(loaded, verifyLayers: true, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"{loaded.Digest}: valid ({loaded.Layers.Count} layers verified)").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command Import(TextWriter output)
    {
        var source = new Argument<string>("source") { Description = "A directory, or a tar archive (plain, .tar.gz, .tar.bz2 or .tar.zst), whose contents become the image's one layer" };
        var image = new Argument<string>("image") { Description = "<oci-layout-dir>:<tag> to write (the layout is created if missing)" };
        var cmd = new Option<string[]>("--cmd") { Description = "The image's default command, one word per --cmd", AllowMultipleArgumentsPerToken = false };
        var compression = new Option<LayerCompression>("--compression") { Description = "Layer compression", DefaultValueFactory = _ => LayerCompression.Gzip };
        var command = new Command("import", "Create an image from a directory or a tar archive, like docker import") { source, image, cmd, compression };
        command.SetAction(async (result, cancellationToken) =>
        {
            var from = result.GetRequiredValue(source);
            if (!Directory.Exists(from) && !File.Exists(from))
            {
                throw new NotFoundException($"\"{from}\" does not exist; give a directory or a tar archive to import");
            }

            var target = LayoutReference.Parse(result.GetRequiredValue(image));
            var layout = await OciLayout.OpenOrCreateAsync(target.Directory, cancellationToken).ConfigureAwait(false);
            var temp = Path.Combine(layout.Path, $".import-{Guid.NewGuid():N}");
            try
            {
                var layer = Directory.Exists(from)
                    ? await TarballLayer.FromDirectoryAsync(from, temp, result.GetValue(compression), cancellationToken).ConfigureAwait(false)
                    : await TarballLayer.FromArchiveAsync(from, temp, result.GetValue(compression), cancellationToken).ConfigureAwait(false);
                var built = RootfsImage.Create(layer, from, new ImportOptions(), DateTimeOffset.UtcNow);
                if (result.GetValue(cmd) is { Length: > 0 } words)
                {
                    built = Mutate.SetCmd(built, words);
                }

                var descriptor = await layout.WriteImageAsync(built, target.Tag, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(descriptor.Digest.ToString()).ConfigureAwait(false);
                return 0;
            }
            finally
            {
                File.Delete(temp);
            }
        });
        return command;
    }

    private static async Task<IImage> OpenAsync(string value, string? platform, CancellationToken cancellationToken)
    {
        var reference = LayoutReference.Parse(value);
        var layout = await OciLayout.OpenAsync(reference.Directory, cancellationToken).ConfigureAwait(false);
        return await layout.GetImageAsync(reference.Tag, platform is null ? null : Platform.Parse(platform), cancellationToken).ConfigureAwait(false);
    }

    private static string Render(IImage image)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("digest", image.Digest.ToString());
            writer.WriteString("mediaType", image.MediaType.ToString());
            writer.WritePropertyName("manifest");
            using (var manifest = JsonDocument.Parse(image.RawManifest))
            {
                manifest.WriteTo(writer);
            }

            writer.WritePropertyName("config");
            using (var config = JsonDocument.Parse(image.RawConfig))
            {
                config.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
