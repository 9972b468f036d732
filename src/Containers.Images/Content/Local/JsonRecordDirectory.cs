using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Containers.Images.Content.Local;

/// <summary>A directory of small JSON records, one file each, replaced whole on every write.</summary>
internal sealed class JsonRecordDirectory<T>
    where T : class
{
    private readonly JsonTypeInfo<T> _type;

    public JsonRecordDirectory(string directory, JsonTypeInfo<T> type)
    {
        Directory = Path.GetFullPath(directory);
        _type = type;
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string PathOf(string fileStem) => Path.Combine(Directory, fileStem + ".json");

    public T? Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), _type);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <remarks>A record is a few hundred bytes: read synchronously, sparing async file I/O's thread-pool round trip.</remarks>
    public ValueTask<T?> LoadAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Load(path));
    }

    public void Save(string path, T record) => AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(record, _type));

    public ValueTask SaveAsync(string path, T record, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(path, JsonSerializer.SerializeToUtf8Bytes(record, _type), cancellationToken);

    /// <summary>Deletes a record; false when there was none.</summary>
    public static bool Delete(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    public async IAsyncEnumerable<T> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            if (await LoadAsync(path, cancellationToken).ConfigureAwait(false) is { } record)
            {
                yield return record;
            }
        }
    }
}
