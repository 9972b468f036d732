using System.Runtime.CompilerServices;
using System.Text.Json;
using Containers.Errors;
using Containers.Images.Json;

namespace Containers.Images.Content.Local;

/// <summary>Leases kept as one JSON file each under <c>leases/</c>.</summary>
public sealed class LocalLeaseManager : ILeaseManager
{
    private readonly string _directory;
    private readonly TimeProvider _time;
    private static readonly System.Buffers.SearchValues<char> IdCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    // Leases change rarely; one lock per manager keeps read-modify-write of a lease whole.
    private readonly Lock _lock = new();

    public LocalLeaseManager(string directory, TimeProvider? timeProvider = null)
    {
        _directory = Path.GetFullPath(directory);
        _time = timeProvider ?? TimeProvider.System;
        Directory.CreateDirectory(_directory);
    }

    public async ValueTask<Lease> CreateAsync(string id, TimeSpan? expiresAfter = null, CancellationToken cancellationToken = default)
    {
        var path = PathOf(id);
        var now = _time.GetUtcNow();
        var lease = new Lease { Id = id, CreatedAt = now, ExpiresAt = now + expiresAfter };
        await Task.Yield();
        lock (_lock)
        {
            if (File.Exists(path))
            {
                throw new AlreadyExistsException($"lease \"{id}\" exists already; choose another id or delete it first");
            }

            Save(lease);
            return lease;
        }
    }

    public async ValueTask<Lease> AddResourceAsync(string id, Digest digest, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_lock)
        {
            var lease = Load(PathOf(id))
                ?? throw new NotFoundException($"lease \"{id}\" does not exist; create it first");
            if (lease.Resources.Contains(digest))
            {
                return lease;
            }

            lease = lease with { Resources = [.. lease.Resources, digest] };
            Save(lease);
            return lease;
        }
    }

    public ValueTask DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var path = PathOf(id);
        if (!File.Exists(path))
        {
            throw new NotFoundException($"lease \"{id}\" does not exist");
        }

        File.Delete(path);
        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<Lease> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var path in Directory.EnumerateFiles(_directory, "*.json"))
        {
            if (await LoadAsync(path, cancellationToken).ConfigureAwait(false) is { } lease)
            {
                yield return lease;
            }
        }
    }

    private static async ValueTask<Lease?> LoadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize(bytes, ContentJsonContext.Default.Lease);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static Lease? Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), ContentJsonContext.Default.Lease);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private void Save(Lease lease) =>
        AtomicFile.Write(PathOf(lease.Id), JsonSerializer.SerializeToUtf8Bytes(lease, ContentJsonContext.Default.Lease));

    private string PathOf(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (id.Length > 200 || id.AsSpan().IndexOfAnyExcept(IdCharacters) >= 0 || id.StartsWith('.'))
        {
            throw new InvalidArgumentException($"lease id \"{id}\" may use only letters, digits, '-', '_' and '.', not start with '.', and be at most 200 characters");
        }

        return Path.Combine(_directory, id + ".json");
    }
}
