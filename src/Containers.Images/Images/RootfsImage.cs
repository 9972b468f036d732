namespace Containers.Images;

/// <summary>
/// The image <c>docker import</c> makes of a rootfs: one layer, no parent, a history entry that
/// says where it came from, and the config the <see cref="ImportOptions.Changes"/> give it.
/// </summary>
public static class RootfsImage
{
    /// <param name="layer">The rootfs as a layer.</param>
    /// <param name="source">Where it came from, for the history comment (<c>-</c> for standard input).</param>
    /// <param name="created">The image's creation time.</param>
    public static IImage Create(ILayer layer, string source, ImportOptions? options, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(source);
        options ??= new ImportOptions();
        var image = Mutate.SetCreated(Image.Empty(options.Platform), created);
        image = Mutate.AppendLayers(image, [new LayerAddition(layer, new HistoryEntry
        {
            Created = created,
            Comment = options.Message ?? $"Imported from {source}",
        })]);
        return ConfigChanges.Apply(image, options.Changes);
    }
}
