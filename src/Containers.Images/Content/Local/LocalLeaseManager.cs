using Containers.Errors;
using Containers.Images.Json;

namespace Containers.Images.Content.Local;

/// <summary>Leases kept as one JSON file each under <c>leases/</c>.</summary>
public sealed class LocalLeaseManager : ILeaseManager
{
    private static readonly System.Buffers.SearchValues<char> IdCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    // Leases change rarely; one lock per manager keeps read-modify-write of a lease whole.
    private readonly Lock _lock = new();
    private readonly JsonRecordDirectory<Lease> _records;
    private readonly TimeProvider _time;

    public LocalLeaseManager(string directory, TimeProvider? timeProvider = null)
    {
        _records = new JsonRecordDirectory<Lease>(directory, ContentJsonContext.Default.Lease);
        _time = timeProvider ?? TimeProvider.System;
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

            _records.Save(path, lease);
            return lease;
        }
    }

    public async ValueTask<Lease> AddResourceAsync(string id, Digest digest, CancellationToken cancellationToken = default)
    {
        var path = PathOf(id);
        await Task.Yield();
        lock (_lock)
        {
            var lease = _records.Load(path)
                ?? throw new NotFoundException($"lease \"{id}\" does not exist; create it first");
            if (lease.Resources.Contains(digest))
            {
                return lease;
            }

            lease = lease with { Resources = [.. lease.Resources, digest] };
            _records.Save(path, lease);
            return lease;
        }
    }

    public ValueTask DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        JsonRecordDirectory<Lease>.Delete(PathOf(id))
            ? ValueTask.CompletedTask
            : throw new NotFoundException($"lease \"{id}\" does not exist");

    public IAsyncEnumerable<Lease> ListAsync(CancellationToken cancellationToken = default) => _records.ListAsync(cancellationToken);

    private string PathOf(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (id.Length > 200 || id.AsSpan().IndexOfAnyExcept(IdCharacters) >= 0 || id.StartsWith('.'))
        {
            throw new InvalidArgumentException($"lease id \"{id}\" may use only letters, digits, '-', '_' and '.', not start with '.', and be at most 200 characters");
        }

        return _records.PathOf(id);
    }
}
