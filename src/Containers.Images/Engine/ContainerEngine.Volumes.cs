using System.Text.Json;
using Containers.Errors;
using Containers.Images.Json;
using Containers.Images.Layers;
using Containers.Linux;
using Containers.Runtime.Spec;

namespace Containers.Images.Engine;

public sealed partial class ContainerEngine
{
    private const string VolumeDataDir = "_data";
    private const string VolumeRecordFile = "volume.json";

    /// <summary>A name for a volume nobody named: 64 random hex digits, as Docker's.</summary>
    private static string NewVolumeName() => SecureRandom.HexString(64);

    /// <summary>Serializes making, filling and removing volumes.</summary>
    private readonly SemaphoreSlim _volumeGate = new(1, 1);

    private string VolumesRoot => Path.Combine(Path.GetDirectoryName(_containersRoot)!, "volumes");

    /// <summary>Makes a named volume (<c>docker volume create</c>); one that exists is returned as it is. Without a name, it gets 64 random hex digits, as Docker's.</summary>
    /// <exception cref="InvalidArgumentException">The name is not valid.</exception>
    public async Task<VolumeInfo> CreateVolumeAsync(string? name, CancellationToken cancellationToken = default)
    {
        name ??= NewVolumeName();
        CheckVolumeName(name);
        await _volumeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Info(EnsureVolume(name, anonymous: false));
        }
        finally
        {
            _volumeGate.Release();
        }
    }

    /// <summary>Removes a volume and its data (<c>docker volume rm</c>).</summary>
    /// <param name="force">A volume that does not exist is no error.</param>
    /// <exception cref="ConflictException">A container (running or not) uses the volume.</exception>
    /// <exception cref="NotFoundException">No volume has that name and <paramref name="force"/> is false.</exception>
    public async Task RemoveVolumeAsync(string name, bool force = false, CancellationToken cancellationToken = default)
    {
        CheckVolumeName(name);
        await _volumeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (ReadVolume(name) is null)
            {
                if (force)
                {
                    return;
                }

                throw new NotFoundException($"no such volume: \"{name}\"");
            }

            if (await UsersOfVolumeAsync(name, cancellationToken).ConfigureAwait(false) is { Count: > 0 } users)
            {
                throw new ConflictException($"volume \"{name}\" is in use by container {string.Join(", ", users)}; remove those containers first");
            }

            DeleteVolume(name);
        }
        finally
        {
            _volumeGate.Release();
        }
    }

    /// <summary>Every volume, by name (<c>docker volume ls</c>).</summary>
    public async Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(CancellationToken cancellationToken = default)
    {
        await _volumeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return [.. VolumeNames().Select(ReadVolume).OfType<StoredVolume>().Select(Info).OrderBy(volume => volume.Name, StringComparer.Ordinal)];
        }
        finally
        {
            _volumeGate.Release();
        }
    }

    /// <summary>
    /// Removes the volumes no container uses (<c>docker volume prune</c>): the anonymous ones, or
    /// with <paramref name="all"/> the named ones too. Returns the names removed.
    /// </summary>
    public async Task<IReadOnlyList<string>> PruneVolumesAsync(bool all = false, CancellationToken cancellationToken = default)
    {
        await _volumeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var removed = new List<string>();
            foreach (var volume in VolumeNames().Select(ReadVolume).OfType<StoredVolume>().Where(volume => all || volume.Anonymous))
            {
                if ((await UsersOfVolumeAsync(volume.Name, cancellationToken).ConfigureAwait(false)).Count == 0)
                {
                    DeleteVolume(volume.Name);
                    removed.Add(volume.Name);
                }
            }

            return removed;
        }
        finally
        {
            _volumeGate.Release();
        }
    }

    /// <summary>
    /// The run's mounts, checked, with a name for each anonymous volume, and anonymous volumes for
    /// the image's <c>VOLUME</c>s that no mount covers, as Docker makes them.
    /// </summary>
    /// <exception cref="InvalidArgumentException">A mount is not valid, or two share a target.</exception>
    private static (IReadOnlyList<VolumeMount> Mounts, IReadOnlySet<string> Anonymous) ResolveMounts(ContainerRunSpec spec)
    {
        var mounts = new List<VolumeMount>();
        var anonymous = new HashSet<string>(StringComparer.Ordinal);
        foreach (var given in spec.Mounts)
        {
            ArgumentNullException.ThrowIfNull(given);
            var mount = given.Validated();
            if (mounts.Any(other => other.Target == mount.Target))
            {
                throw new InvalidArgumentException($"duplicate mount point \"{mount.Target}\": give each container path one mount");
            }

            mounts.Add(mount.Kind == VolumeMountKind.Volume && mount.Source.Length == 0 ? Anonymous(mount, anonymous) : mount);
        }

        foreach (var target in spec.Image.Config.Config?.Volumes?.Keys ?? [])
        {
            VolumeMount mount;
            try
            {
                mount = new VolumeMount(VolumeMountKind.Volume, "", target).Validated();
            }
            catch (InvalidArgumentException error)
            {
                throw new InvalidArgumentException($"the image's VOLUME \"{target}\" cannot be mounted: {error.Message}", error);
            }

            if (!mounts.Any(other => other.Target == mount.Target))
            {
                mounts.Add(Anonymous(mount, anonymous));
            }
        }

        return (mounts, anonymous);

        static VolumeMount Anonymous(VolumeMount mount, HashSet<string> names)
        {
            var name = NewVolumeName();
            names.Add(name);
            return mount with { Source = name };
        }
    }

    /// <summary>
    /// Readies each mount of a container being created, parents first, and returns them as OCI
    /// mounts: a missing bind source directory is made (as <c>-v</c> does); volumes are made on first
    /// use and, while empty, filled from the image's content at the target; directory targets are
    /// made inside the rootfs, through in-root resolution.
    /// </summary>
    private async Task<IReadOnlyList<OciMount>> PrepareMountsAsync(StoredContainer record, IReadOnlySet<string> anonymous, string rootfs, CancellationToken cancellationToken)
    {
        var mounts = new List<OciMount>();
        foreach (var mount in record.Mounts.OrderBy(mount => mount.Target.Count(c => c == '/')))
        {
            var access = mount.ReadOnly ? "ro" : "rw";
            switch (mount.Kind)
            {
                case VolumeMountKind.Bind:
                    if (!Path.Exists(mount.Source))
                    {
                        Directory.CreateDirectory(mount.Source);
                    }

                    if (Directory.Exists(mount.Source))
                    {
                        // A file's target is made as a file by the runtime, inside the rootfs too.
                        RootfsFiles.EnsureDirectory(rootfs, mount.Target, "the mount point");
                    }

                    mounts.Add(new OciMount { Destination = mount.Target, Type = "bind", Source = mount.Source, Options = ["rbind", access] });
                    break;

                case VolumeMountKind.Volume:
                    RootfsFiles.EnsureDirectory(rootfs, mount.Target, "the mount point");
                    var data = await PrepareVolumeAsync(mount, anonymous.Contains(mount.Source), rootfs, record.Id, cancellationToken).ConfigureAwait(false);
                    mounts.Add(new OciMount { Destination = mount.Target, Type = "bind", Source = data, Options = ["rbind", access] });
                    break;

                default:
                    RootfsFiles.EnsureDirectory(rootfs, mount.Target, "the mount point");
                    mounts.Add(new OciMount { Destination = mount.Target, Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "nodev", "noexec", access] });
                    break;
            }
        }

        return mounts;
    }

    /// <summary>Makes the volume if it is new, and fills it from the rootfs at the target while it is empty (unless nocopy), as Docker does.</summary>
    private async Task<string> PrepareVolumeAsync(VolumeMount mount, bool anonymous, string rootfs, string containerId, CancellationToken cancellationToken)
    {
        await _volumeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var volume = EnsureVolume(mount.Source, anonymous);
            var data = VolumeData(volume.Name);
            if (!mount.NoCopy && !Directory.EnumerateFileSystemEntries(data).Any())
            {
                // The target as the container will see it: a symlink on the way resolves inside the rootfs.
                using var root = PosixFs.OpenDirectory(rootfs);
                using var source = PosixFs.OpenInRoot(root, mount.Target, LibC.O_RDONLY | LibC.O_DIRECTORY);
                using var destination = PosixFs.OpenDirectory(data);
                await ContainerArchive.CopyAsync(source, destination, $"the image's content at \"{mount.Target}\" of container {containerId[..12]}, copied into volume \"{volume.Name}\"", cancellationToken).ConfigureAwait(false);
            }

            return data;
        }
        finally
        {
            _volumeGate.Release();
        }
    }

    /// <summary>Removes the anonymous volumes of a container that is gone, unless another container uses one.</summary>
    private async Task RemoveAnonymousVolumesAsync(StoredContainer record)
    {
        var volumes = record.Mounts.Where(mount => mount.Kind == VolumeMountKind.Volume).Select(mount => mount.Source).ToArray();
        if (volumes.Length == 0)
        {
            return;
        }

        await _volumeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var name in volumes)
            {
                if (ReadVolume(name) is { Anonymous: true } && (await UsersOfVolumeAsync(name, CancellationToken.None).ConfigureAwait(false)).Count == 0)
                {
                    DeleteVolume(name);
                }
            }
        }
        finally
        {
            _volumeGate.Release();
        }
    }

    /// <summary>The host directory behind a mount's source: the bind's path or the volume's data.</summary>
    private string HostSource(VolumeMount mount) => mount.Kind == VolumeMountKind.Volume ? VolumeData(mount.Source) : mount.Source;

    private string VolumeData(string name) => Path.Combine(VolumesRoot, name, VolumeDataDir);

    /// <summary>The short ids of the containers that mount the volume.</summary>
    private async Task<IReadOnlyList<string>> UsersOfVolumeAsync(string name, CancellationToken cancellationToken)
    {
        await _registry.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return [.. _containers.Values
                .Where(entry => entry.Record.Mounts.Any(mount => mount.Kind == VolumeMountKind.Volume && mount.Source == name))
                .Select(entry => entry.Record.Id[..12])];
        }
        finally
        {
            _registry.Release();
        }
    }

    /// <summary>Under the volume gate: the volume, made (<c>_data</c> root-owned, 0755) when it does not exist yet.</summary>
    private StoredVolume EnsureVolume(string name, bool anonymous)
    {
        if (ReadVolume(name) is { } existing)
        {
            return existing;
        }

        var dir = Path.Combine(VolumesRoot, name);
        Directory.CreateDirectory(Path.Combine(dir, VolumeDataDir), (UnixFileMode)0b111_101_101);
        var volume = new StoredVolume { Name = name, Created = _time.GetUtcNow(), Anonymous = anonymous };
        var path = Path.Combine(dir, VolumeRecordFile);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(volume, EngineJsonContext.Default.StoredVolume));
        File.Move(temp, path, overwrite: true);
        return volume;
    }

    private StoredVolume? ReadVolume(string name)
    {
        var path = Path.Combine(VolumesRoot, name, VolumeRecordFile);
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), EngineJsonContext.Default.StoredVolume) : null;
    }

    private IEnumerable<string> VolumeNames() =>
        Directory.Exists(VolumesRoot) ? Directory.EnumerateDirectories(VolumesRoot).Select(Path.GetFileName).OfType<string>() : [];

    private void DeleteVolume(string name)
    {
        // The data is what containers wrote: remove it without following a symlink in it.
        LayerApplier.DeleteTree(Path.Combine(VolumesRoot, name));
        Log.VolumeRemoved(_logger, name);
    }

    private VolumeInfo Info(StoredVolume volume) => new(volume.Name, VolumeData(volume.Name), volume.Created, volume.Anonymous);

    private static void CheckVolumeName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!NamePattern().IsMatch(name))
        {
            throw new InvalidArgumentException($"\"{name}\" is not a valid volume name: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed, at least two characters");
        }
    }
}
