using Containers.Errors;
using Containers.Images.Layers;
using Containers.Linux;

namespace Containers.Images.Engine;

public sealed partial class ContainerEngine
{
    /// <summary>
    /// <c>docker export</c>: writes the container's whole filesystem, as the container sees its root
    /// (image layers and its changes merged), to <paramref name="destination"/> as a plain tar, which
    /// <see cref="LocalImages.ImportAsync(Stream, ImageReference?, ImportOptions?, CancellationToken)"/>
    /// turns back into an image. It is read through a non-recursive bind of the rootfs, so nothing
    /// mounted inside it (the container's /proc, /sys and /dev, volumes, bind-mounted files) comes
    /// along: their mount points appear as the image has them. The destination is left open.
    /// </summary>
    /// <exception cref="NotFoundException">No container has that id, id prefix or name.</exception>
    public async Task ExportAsync(string idOrName, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var entry = await FindAsync(idOrName, cancellationToken).ConfigureAwait(false);

        // Held so that the rootfs stays mounted while it is read.
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (entry.Removed)
            {
                throw new NotFoundException($"container {entry.Record.Id[..12]} has been removed");
            }

            var view = Directory.CreateDirectory(Path.Combine(entry.Directory, $"export-{Guid.NewGuid():N}")).FullName;
            try
            {
                PosixFs.Mount(Path.Combine(entry.Directory, RootfsDir), view, null, LibC.MS_BIND);
                try
                {
                    var writer = new LayerWriter(destination, new LayerWriterOptions { Compression = LayerCompression.None }, leaveOpen: true);
                    await using (writer.ConfigureAwait(false))
                    {
                        await writer.AddTreeAsync(view, cancellationToken).ConfigureAwait(false);
                        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    PosixFs.Unmount(view, LibC.MNT_DETACH);
                }
            }
            finally
            {
                DeleteEmptyDirectory(view);
            }
        }
        finally
        {
            entry.Gate.Release();
        }

        Log.Exported(_logger, entry.Record.Id);
    }
}
