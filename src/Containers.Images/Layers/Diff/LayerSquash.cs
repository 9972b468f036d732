using Containers.Errors;

namespace Containers.Images.Layers.Diff;

/// <summary>
/// Squashes a stack of layers into one. The stack is applied (checked as any apply is) onto a
/// scratch directory, which is then written as the layer; to keep what the stack deletes from
/// the layers below it, the removals are recorded during the apply and written as whiteouts and
/// opaque whiteouts.
/// </summary>
public static class LayerSquash
{
    /// <summary>Squashes <paramref name="layers"/> (bottom first) into <paramref name="writer"/> and completes it.</summary>
    /// <param name="keepWhiteouts">
    /// True: the result does over any lower layers what the stack does, deletions included. False:
    /// flatten, the result is a base layer with no whiteouts.
    /// </param>
    /// <exception cref="FailedPreconditionException">We are not root, so the scratch tree could not keep owners and device nodes.</exception>
    public static async ValueTask<WrittenLayer> SquashAsync(IReadOnlyList<ILayer> layers, LayerWriter writer, bool keepWhiteouts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(writer);
        if (!Environment.IsPrivilegedProcess)
        {
            throw new FailedPreconditionException("squashing layers needs root: the stack is applied onto a scratch directory, and only root keeps its owners and device nodes; run as root");
        }

        var scratch = Directory.CreateTempSubdirectory("layer-squash-").FullName;
        try
        {
            var removals = keepWhiteouts ? new StackRemovals() : null;
            foreach (var layer in layers)
            {
                await LayerApplier.ApplyAsync(layer, scratch, LayerApplyOptions.Default, removals, cancellationToken).ConfigureAwait(false);
            }

            if (removals is null)
            {
                await writer.AddTreeAsync(scratch, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await removals.WriteAsync(writer, scratch, cancellationToken).ConfigureAwait(false);
            }

            return await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            LayerApplier.DeleteTree(scratch);
        }
    }

    /// <summary>Flattens <paramref name="layers"/> (bottom first) into one base layer: a squash without whiteouts.</summary>
    public static ValueTask<WrittenLayer> FlattenAsync(IReadOnlyList<ILayer> layers, LayerWriter writer, CancellationToken cancellationToken = default) =>
        SquashAsync(layers, writer, keepWhiteouts: false, cancellationToken);
}
