namespace Containers.Images.Content;

/// <summary>Writes new blobs. Nothing is visible until a writer commits and the bytes are verified.</summary>
public interface IContentIngester
{
    /// <summary>Starts writing a blob. Dispose without commit to abort; nothing is left behind.</summary>
    ValueTask<IContentWriter> OpenWriterAsync(CancellationToken cancellationToken = default);
}
