using System.CommandLine;
using Containers.Images;
using Containers.Images.Layers;
using Containers.Images.Layers.Diff;

namespace Containers.Cli.Commands;

/// <summary><c>containers layer …</c>: create, apply and diff layer tarballs.</summary>
internal static class LayerCommand
{
    public static Command Create(TextWriter output) => new("layer", "Create, apply and diff layers (tar changesets with OCI whiteouts)")
    {
        CreateCommand(output),
        ApplyCommand(output),
        DiffCommand(output),
    };

    private static Command CreateCommand(TextWriter output)
    {
        var directory = new Argument<string>("directory") { Description = "The directory whose contents become the layer" };
        var file = OutputOption();
        var compression = CompressionOption();
        var reproducible = new Option<bool>("--reproducible") { Description = "Fixed mtimes (SOURCE_DATE_EPOCH, else 0): the same tree always gives the same digest" };
        var command = new Command("create", "Write a directory tree as a layer; prints its digest and DiffID") { directory, file, compression, reproducible };
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new LayerWriterOptions { Compression = result.GetValue(compression), Reproducible = result.GetValue(reproducible) };
            var written = await LayerWriter.CreateAsync(result.GetRequiredValue(directory), result.GetRequiredValue(file), options, cancellationToken).ConfigureAwait(false);
            await PrintAsync(output, written).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command ApplyCommand(TextWriter output)
    {
        var paths = new Argument<string[]>("paths") { Description = "Layer files (tar, tar.gz or tar.zst), bottom first, then the directory to apply them onto", Arity = ArgumentArity.OneOrMore };
        var command = new Command("apply", "Extract layers onto a directory, whiteouts included, with every path kept inside it") { paths };
        command.SetAction(async (result, cancellationToken) =>
        {
            var values = result.GetRequiredValue(paths);
            if (values.Length < 2)
            {
                throw new Errors.InvalidArgumentException($"layer apply needs at least one layer file and then the directory to apply onto; got only \"{values[0]}\"");
            }

            var root = values[^1];
            Directory.CreateDirectory(root);
            foreach (var layer in values[..^1])
            {
                var stream = new FileStream(layer, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                await using (stream.ConfigureAwait(false))
                {
                    var applied = await LayerApplier.ApplyAsync(stream, root, subject: $"layer \"{layer}\"", cancellationToken: cancellationToken).ConfigureAwait(false);
                    await output.WriteLineAsync($"{layer}: diff_id {applied.DiffId}, {applied.Entries} entries").ConfigureAwait(false);
                }
            }

            return 0;
        });
        return command;
    }

    private static Command DiffCommand(TextWriter output)
    {
        var trees = new Argument<string[]>("trees") { Description = "<lower> <upper>: the tree before and the tree after (not with --overlay)", Arity = ArgumentArity.ZeroOrMore };
        var overlay = new Option<string?>("--overlay") { Description = "An overlayfs upper directory: only it is read, so the cost follows the change" };
        var lower = new Option<string[]>("--lower") { Description = "With --overlay: the mount's lower directories, topmost first, one per --lower", AllowMultipleArgumentsPerToken = true };
        var file = OutputOption();
        var compression = CompressionOption();
        var command = new Command("diff", "Write the layer that turns one tree into another: changes, whiteouts and opaque directories") { trees, overlay, lower, file, compression };
        command.SetAction(async (result, cancellationToken) =>
        {
            var paths = result.GetValue(trees) ?? [];
            var upperDirectory = result.GetValue(overlay);
            var lowers = result.GetValue(lower) ?? [];
            if (upperDirectory is null && paths.Length != 2)
            {
                throw new Errors.InvalidArgumentException($"layer diff needs two directories, <lower> <upper>, or --overlay <upperdir> --lower <dir>; got {paths.Length} directories");
            }

            if (upperDirectory is not null && (paths.Length != 0 || lowers.Length == 0))
            {
                throw new Errors.InvalidArgumentException("layer diff --overlay takes the upper directory and at least one --lower, and no other directories");
            }

            var options = new LayerWriterOptions { Compression = result.GetValue(compression) };
            var target = result.GetRequiredValue(file);
            var stream = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            WrittenLayer written;
            try
            {
                var writer = new LayerWriter(stream, options);
                await using (writer.ConfigureAwait(false))
                {
                    written = upperDirectory is null
                        ? await LayerDiff.DiffAsync(paths[0], paths[1], writer, cancellationToken).ConfigureAwait(false)
                        : await LayerDiff.DiffOverlayAsync(upperDirectory, lowers, writer, cancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                File.Delete(target);
                throw;
            }

            await PrintAsync(output, written).ConfigureAwait(false);
            await output.WriteLineAsync($"entries: {written.Entries}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    internal static Option<string> OutputOption() => new("--output", "-o") { Description = "The layer file to write (must not exist)", Required = true };

    internal static Option<LayerCompression> CompressionOption() => new("--compression") { Description = "gzip, zstd or none", DefaultValueFactory = _ => LayerCompression.Gzip };

    internal static async Task PrintAsync(TextWriter output, WrittenLayer written)
    {
        await output.WriteLineAsync($"digest: {written.Digest}").ConfigureAwait(false);
        await output.WriteLineAsync($"diff_id: {written.DiffId}").ConfigureAwait(false);
        await output.WriteLineAsync($"size: {written.Size}").ConfigureAwait(false);
        await output.WriteLineAsync($"media_type: {written.MediaType}").ConfigureAwait(false);
    }
}
