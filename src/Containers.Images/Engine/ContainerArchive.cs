using System.IO.Pipelines;
using Containers.Errors;
using Containers.Images.Layers;
using Containers.Images.Layers.Apply;
using Containers.Images.Layers.Tar;
using Microsoft.Win32.SafeHandles;

namespace Containers.Images.Engine;

/// <summary>
/// Tar archives of and into a container's files (<c>docker cp</c>, and filling a volume from the
/// image): written by <see cref="LayerWriter"/> through descriptors, extracted by the layers'
/// <see cref="LayerExtractor"/>, so every path resolves inside the root it is given and nothing
/// follows a symlink out of it. <c>.wh.</c> names are ordinary files here, not whiteouts.
/// </summary>
internal static class ContainerArchive
{
    /// <summary>Writes a plain tar of <paramref name="name"/> in <paramref name="parent"/> and all below it, with entries named from <paramref name="entryName"/>.</summary>
    public static async Task WriteAsync(SafeFileHandle parent, string name, string entryName, Stream destination, CancellationToken cancellationToken)
    {
        var writer = new LayerWriter(destination, new LayerWriterOptions { Compression = LayerCompression.None }, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            await writer.AddSubtreeAsync(parent, name, entryName, cancellationToken).ConfigureAwait(false);
            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Extracts a tar (plain or compressed, sniffed) into <paramref name="directory"/> (clean and
    /// relative to <paramref name="root"/>; empty for the root itself), as <c>tar -C</c> would but
    /// resolving every name inside <paramref name="root"/>. An entry that climbs out of the
    /// directory with ".." is refused.
    /// </summary>
    /// <exception cref="InvalidArgumentException">An entry breaks a rule; the message names it.</exception>
    public static async Task ExtractAsync(Stream archive, SafeFileHandle root, string directory, string subject, CancellationToken cancellationToken)
    {
        var tar = await Compression.OpenDecompressingDetectedAsync(archive, cancellationToken).ConfigureAwait(false);
        await using (tar.ConfigureAwait(false))
        {
            var options = LayerApplyOptions.Default;
            using var extractor = new LayerExtractor(root, options, subject, observer: null, applyWhiteouts: false);
            var reader = new TarReader(tar, options.Limits with { Subject = subject }, leaveOpen: true);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.GetNextEntryAsync(cancellationToken).ConfigureAwait(false) is { } entry)
                {
                    await extractor.ApplyAsync(reader, Rebase(entry, directory, subject), cancellationToken).ConfigureAwait(false);
                }

                await reader.DrainAsync(cancellationToken).ConfigureAwait(false);
                extractor.Finish();
            }
        }
    }

    /// <summary>
    /// Copies the directory <paramref name="source"/> onto the directory <paramref name="destination"/>:
    /// its content, and its own owner and mode, as Docker fills a new volume from the image.
    /// </summary>
    public static async Task CopyAsync(SafeFileHandle source, SafeFileHandle destination, string subject, CancellationToken cancellationToken)
    {
        var pipe = new Pipe();
        var writing = Task.Run(
            async () =>
            {
                var stream = pipe.Writer.AsStream();
                await using (stream.ConfigureAwait(false))
                {
                    await WriteAsync(source, ".", ".", stream, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
        try
        {
            var stream = pipe.Reader.AsStream();
            await using (stream.ConfigureAwait(false))
            {
                await ExtractAsync(stream, destination, "", subject, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // With the reader done (or failed), the writer's next flush ends it instead of blocking.
            await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await writing.ConfigureAwait(false);
    }

    private static TarEntry Rebase(TarEntry entry, string directory, string subject)
    {
        var name = LayerPath.Clean(entry.Name, subject);
        if (name.Length == 0 && entry.Type != TarEntryType.Directory && directory.Length > 0)
        {
            throw new InvalidArgumentException($"{subject} entry \"{entry.Name}\" would replace the destination directory itself");
        }

        // The extractor takes "./" for the root itself.
        var rebased = entry with { Name = Join(directory, name) is { Length: > 0 } joined ? joined : "./" };
        return entry.Type == TarEntryType.HardLink && !string.IsNullOrEmpty(entry.LinkName)
            ? rebased with { LinkName = Join(directory, LayerPath.Clean(entry.LinkName, subject, $"entry \"{entry.Name}\": hard link target")) }
            : rebased;
    }

    private static string Join(string directory, string name) => directory.Length == 0 ? name : name.Length == 0 ? directory : $"{directory}/{name}";
}
