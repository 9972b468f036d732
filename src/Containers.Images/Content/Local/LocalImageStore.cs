using System.Text;
using Containers.Errors;
using Containers.Images.Json;

namespace Containers.Images.Content.Local;

/// <summary>
/// Image names kept as one JSON file each, named by the sha256 of the full reference so that any
/// reference maps to a safe file name; the file holds the name itself.
/// </summary>
public sealed class LocalImageStore : IImageStore
{
    private readonly JsonRecordDirectory<ImageRecord> _records;
    private readonly TimeProvider _time;

    public LocalImageStore(string directory, TimeProvider? timeProvider = null)
    {
        _records = new JsonRecordDirectory<ImageRecord>(directory, ContentJsonContext.Default.ImageRecord);
        _time = timeProvider ?? TimeProvider.System;
    }

    public async ValueTask<ImageRecord> GetAsync(ImageReference name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return await _records.LoadAsync(PathOf(name), cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"image \"{name}\" is not in the local store; pull, load or build it first");
    }

    public async ValueTask<ImageRecord> SetAsync(ImageReference name, Descriptor target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(target);
        if (!target.MediaType.IsManifest && !target.MediaType.IsIndex)
        {
            throw new InvalidArgumentException($"image \"{name}\" must point at a manifest or an index, not \"{target.MediaType}\"");
        }

        var path = PathOf(name);
        var now = _time.GetUtcNow();
        var existing = await _records.LoadAsync(path, cancellationToken).ConfigureAwait(false);
        var record = new ImageRecord { Name = name.ToString(), Target = target, CreatedAt = existing?.CreatedAt ?? now, UpdatedAt = now };
        await _records.SaveAsync(path, record, cancellationToken).ConfigureAwait(false);
        return record;
    }

    public ValueTask DeleteAsync(ImageReference name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return JsonRecordDirectory<ImageRecord>.Delete(PathOf(name))
            ? ValueTask.CompletedTask
            : throw new NotFoundException($"image \"{name}\" is not in the local store");
    }

    public IAsyncEnumerable<ImageRecord> ListAsync(CancellationToken cancellationToken = default) => _records.ListAsync(cancellationToken);

    private string PathOf(ImageReference name) =>
        _records.PathOf(Digest.Compute(Encoding.UTF8.GetBytes(name.ToString())).Hex);
}
