using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Containers.Errors;
using Containers.Images.Build.Execution;
using Containers.Images.Content;
using Containers.Images.Content.Local;

namespace Containers.Images.Build.Cache;

/// <summary>
/// The build cache: for each step that writes files (RUN, COPY, ADD), the layer it made, keyed by
/// the hash of everything the result depends on: the key of the state before (which chains the
/// base image and every instruction since), the instruction as expanded, the build arguments a RUN
/// sees, and the content hash of what COPY and ADD copy. Records are small JSON files under
/// <c>&lt;root&gt;/build-cache/</c>, written atomically; the layers stay in the content store, held
/// there by the cache's lease so that removing images does not take them. A record whose layer has
/// gone is a miss.
/// </summary>
internal sealed class BuildCache
{
    /// <summary>The lease that keeps the cache's layers in the content store.</summary>
    public const string LeaseId = "build-cache";

    private readonly string _directory;
    private readonly IContentStore _content;
    private readonly ILeaseManager _leases;

    public BuildCache(string directory, IContentStore content, ILeaseManager leases)
    {
        _directory = Path.GetFullPath(directory);
        _content = content;
        _leases = leases;
    }

    /// <summary>The key of a step: its parts hashed in order, each length-prefixed so that no two lists collide.</summary>
    public static string KeyOf(params string[] parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The record of <paramref name="key"/>, when there is one and its layer is still in the store.</summary>
    public async Task<CacheRecord?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        CacheRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), BuildJsonContext.Default.CacheRecord);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }

        if (record?.Digest is { } digest && !await _content.ExistsAsync(digest, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return record;
    }

    /// <summary>Records what the step of <paramref name="key"/> made (its layer already held, see <see cref="HoldAsync"/>).</summary>
    public async Task PutAsync(string key, CacheRecord record, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_directory);
        await AtomicFile.WriteAsync(PathOf(key), JsonSerializer.SerializeToUtf8Bytes(record, BuildJsonContext.Default.CacheRecord), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds a layer to the cache's lease before its blob is committed, so that the store's collector never sees it unheld.</summary>
    public async Task HoldAsync(Digest digest, CancellationToken cancellationToken)
    {
        try
        {
            await _leases.AddResourceAsync(LeaseId, digest, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            try
            {
                await _leases.CreateAsync(LeaseId, expiresAfter: null, cancellationToken).ConfigureAwait(false);
            }
            catch (AlreadyExistsException)
            {
                // Another build made it meanwhile.
            }

            await _leases.AddResourceAsync(LeaseId, digest, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The layer of a record with one.</summary>
    public ILayer? LayerOf(CacheRecord record) =>
        record is { Digest: { } digest, DiffId: { } diffId, MediaType: { } mediaType } ? LayerBlobs.Layer(_content, digest, diffId, record.Size, mediaType) : null;

    /// <summary>Forgets every record and lets the content store's collector take the layers.</summary>
    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(_directory))
        {
            foreach (var file in Directory.EnumerateFiles(_directory, "*.json"))
            {
                File.Delete(file);
            }
        }

        try
        {
            await _leases.DeleteAsync(LeaseId, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
        }
    }

    private string PathOf(string key) => Path.Combine(_directory, key + ".json");
}
