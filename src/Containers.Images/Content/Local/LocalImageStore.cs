using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Containers.Errors;
using Containers.Images.Json;

namespace Containers.Images.Content.Local;

/// <summary>
/// Image names kept as one JSON file each, named by the sha256 of the full reference so that any
/// reference maps to a safe file name; the file holds the name itself.
/// </summary>
public sealed class LocalImageStore : IImageStore
{
    private readonly string _directory;
    private readonly TimeProvider _time;

    public LocalImageStore(string directory, TimeProvider? timeProvider = null)
    {
        _directory = Path.GetFullPath(directory);
        _time = timeProvider ?? TimeProvider.System;
        Directory.CreateDirectory(_directory);
    }

    public async ValueTask<ImageRecord> GetAsync(ImageReference name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return await LoadAsync(PathOf(name), cancellationToken).ConfigureAwait(false)
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
        var existing = await LoadAsync(path, cancellationToken).ConfigureAwait(false);
        var record = new ImageRecord { Name = name.ToString(), Target = target, CreatedAt = existing?.CreatedAt ?? now, UpdatedAt = now };
        await AtomicFile.WriteAsync(path, JsonSerializer.SerializeToUtf8Bytes(record, ContentJsonContext.Default.ImageRecord), cancellationToken).ConfigureAwait(false);
        return record;
    }

    public ValueTask DeleteAsync(ImageReference name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            throw new NotFoundException($"image \"{name}\" is not in the local store");
        }

        File.Delete(path);
        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<ImageRecord> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var path in Directory.EnumerateFiles(_directory, "*.json"))
        {
            if (await LoadAsync(path, cancellationToken).ConfigureAwait(false) is { } record)
            {
                yield return record;
            }
        }
    }

    private static async ValueTask<ImageRecord?> LoadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize(bytes, ContentJsonContext.Default.ImageRecord);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private string PathOf(ImageReference name) =>
        Path.Combine(_directory, Digest.Compute(Encoding.UTF8.GetBytes(name.ToString())).Hex + ".json");
}
