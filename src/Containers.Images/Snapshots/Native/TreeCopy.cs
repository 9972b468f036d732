using System.IO.Pipelines;
using Containers.Images.Layers;
using Containers.Linux;

namespace Containers.Images.Snapshots.Native;

/// <summary>
/// cp -a in process: the source tree is written as a tar into a pipe and applied from it by the
/// secure extractor, so owners, modes, times, xattrs, hard links and devices come across as an
/// image layer would carry them, and nothing in the tree can point the copy outside the target.
/// </summary>
internal static class TreeCopy
{
    public static async ValueTask CopyAsync(string source, string target, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19));
        var write = Task.Run(
            async () =>
            {
                var stream = pipe.Writer.AsStream();
                try
                {
                    await using (var writer = new LayerWriter(stream, new LayerWriterOptions { Compression = LayerCompression.None }, leaveOpen: true))
                    {
                        await writer.AddTreeAsync(source, cancellationToken).ConfigureAwait(false);
                        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await pipe.Writer.CompleteAsync().ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
                    throw;
                }
            },
            cancellationToken);

        var read = pipe.Reader.AsStream();
        try
        {
            await LayerApplier.ApplyAsync(read, target, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
            await write.ConfigureAwait(false);
        }

        // The tar has no entry for the root itself; give the copy the source's owner and mode.
        using var from = PosixFs.OpenDirectory(source);
        using var to = PosixFs.OpenDirectory(target);
        var status = PosixFs.Stat(from);
        if (Environment.IsPrivilegedProcess)
        {
            PosixFs.ChangeOwner(to, status.Uid, status.Gid);
        }

        PosixFs.ChangeMode(to, status.Mode);
    }
}
