using Containers.Errors;
using Containers.Images.Layers;
using Containers.Images.Snapshots;
using Containers.Runtime;
using Microsoft.Extensions.Logging;

namespace Containers.Images.Engine;

public sealed partial class ContainerEngine
{
    /// <summary>
    /// <c>docker commit</c>: the container's changes to its filesystem become one new layer on top of
    /// its image, read from the writable snapshot (an overlay's upper directory when there is one,
    /// so the cost follows the change), and the new image is stored in <paramref name="images"/>
    /// under <paramref name="tag"/> (without a name when null). A running container is frozen while
    /// its changes are read, unless <see cref="CommitOptions.Pause"/> is off, and thawed after, also
    /// when reading fails. A container that changed nothing gives an image with no new layer, only
    /// a history entry, as Docker makes it.
    /// </summary>
    /// <returns>The stored image.</returns>
    /// <exception cref="NotFoundException">No container has that id, id prefix or name.</exception>
    /// <exception cref="FailedPreconditionException">The container's image is neither in <paramref name="images"/> nor known to this engine.</exception>
    /// <exception cref="InvalidArgumentException">An option or change is not valid.</exception>
    public async Task<IImage> CommitAsync(string idOrName, CommitOptions options, LocalImages images, ImageReference? tag = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(images);
        var entry = await FindAsync(idOrName, cancellationToken).ConfigureAwait(false);
        var baseImage = await images.FindManifestAsync(entry.Record.Image, cancellationToken).ConfigureAwait(false)
            ?? entry.Image
            ?? throw new FailedPreconditionException(
                $"the image of container {entry.Record.Name} ({entry.Record.Id[..12]}), {entry.Record.Image}, is no longer in the local store; load or pull it again to commit the container");
        var containerConfig = entry.Record.Config ?? baseImage.Config.Config ?? new ContainerConfig();
        var config = CommitConfig.Apply(containerConfig, options);
        var blob = images.TemporaryPath("commit");
        var scratch = images.TemporaryPath("commit-scratch");
        try
        {
            var written = await DiffAsync(entry, options, baseImage.MediaType.IsDocker, blob, scratch, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var history = new HistoryEntry
            {
                Created = now,
                CreatedBy = string.Join(' ', containerConfig.Cmd ?? []),
                Author = options.Author,
                Comment = options.Message,
            };
            var image = Mutate.WithConfig(baseImage, c => c with { Config = config, Author = options.Author, Created = now });
            image = written.Entries == 0
                ? Mutate.AddHistory(image, history)
                : Mutate.AppendLayers(image, [new LayerAddition(TarballLayer.FromWritten(blob, written), history)]);
            var descriptor = await images.AddAsync(image, tag, cancellationToken).ConfigureAwait(false);
            Log.Committed(_logger, entry.Record.Id, descriptor.Digest, written.Entries);
            return await ImageLoader.LoadImageAsync(images.Content, descriptor, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(blob);
            DeleteEmptyDirectory(scratch);
        }
    }

    /// <summary>Writes the container's changes to <paramref name="blob"/>, with the container frozen if it runs and <see cref="CommitOptions.Pause"/> asks.</summary>
    private async Task<WrittenLayer> DiffAsync(Entry entry, CommitOptions options, bool docker, string blob, string scratch, CancellationToken cancellationToken)
    {
        // Held so that the container is not removed, nor its snapshot taken, while it is read.
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (entry.Removed)
            {
                throw new NotFoundException($"container {entry.Record.Id[..12]} has been removed");
            }

            var paused = options.Pause
                && await StatusAsync(entry, cancellationToken).ConfigureAwait(false) == ContainerStatus.Running
                && await TryPauseAsync(entry, cancellationToken).ConfigureAwait(false);
            try
            {
                var file = new FileStream(blob, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                await using (file.ConfigureAwait(false))
                {
                    var writer = new LayerWriter(file, new LayerWriterOptions { Compression = options.Compression, DockerMediaTypes = docker }, leaveOpen: true);
                    await using (writer.ConfigureAwait(false))
                    {
                        return await SnapshotDiff.WriteAsync(_snapshotter, entry.Record.SnapshotKey, writer, scratch, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                if (paused)
                {
                    await ResumeAfterCommitAsync(entry).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private async Task<bool> TryPauseAsync(Entry entry, CancellationToken cancellationToken)
    {
        try
        {
            await _runtime.PauseAsync(entry.Record.Id, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (FailedPreconditionException)
        {
            // It stopped (or was paused by someone else) since its status was read: nothing to freeze or thaw.
            return false;
        }
    }

    private async Task ResumeAfterCommitAsync(Entry entry)
    {
        try
        {
            await _runtime.ResumeAsync(entry.Record.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FailedPreconditionException or NotFoundException)
        {
            // Killed while frozen: there is nothing left to thaw.
            Log.NotResumed(_logger, entry.Record.Id, e.Message);
        }
    }

    /// <summary>Removes a scratch directory only if it is empty: one with something still mounted on it is left alone rather than emptied.</summary>
    private static void DeleteEmptyDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: false);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1561, Level = LogLevel.Information, Message = "Committed container {Id} as image {Image} ({Entries} entries in the new layer)")]
        public static partial void Committed(ILogger logger, string id, Digest image, long entries);

        [LoggerMessage(EventId = 1562, Level = LogLevel.Warning, Message = "Container {Id} could not be thawed after its commit: {Reason}")]
        public static partial void NotResumed(ILogger logger, string id, string reason);

        [LoggerMessage(EventId = 1563, Level = LogLevel.Information, Message = "Exported the filesystem of container {Id}")]
        public static partial void Exported(ILogger logger, string id);
    }
}
