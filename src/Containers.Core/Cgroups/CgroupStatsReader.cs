using System.Buffers;
using System.Text;
using Containers.Errors;
using Containers.Linux;

namespace Containers.Cgroups;

/// <summary>
/// Reads a cgroup's stat files into a <see cref="CgroupStats"/> with no steady-state allocation:
/// the paths are encoded once, the bytes land in one pooled buffer, and the numbers are parsed from
/// spans. By default the files stay open and each read is one pread(2) at offset 0, which makes
/// cgroupfs generate the contents afresh; with <c>keepOpen: false</c> every read opens and closes
/// them. Files that do not exist when the reader is built (a missing controller, an older kernel
/// without <c>memory.peak</c>) are skipped. Not thread-safe; dispose to close the files.
/// </summary>
public sealed unsafe class CgroupStatsReader : IDisposable
{
    private const int InitialBuffer = 8192;

    private readonly Source[] _sources;
    private readonly bool _keepOpen;
    private byte[] _buffer;
    private bool _disposed;

    private CgroupStatsReader(List<(CgroupStatFile Kind, string Path)> files, bool keepOpen)
    {
        _keepOpen = keepOpen;
        var sources = new List<Source>();
        try
        {
            foreach (var (kind, path) in files)
            {
                if (!File.Exists(path))
                {
                    continue;
                }

                var fd = -1;
                var pathZ = Encoding.UTF8.GetBytes(path + "\0");
                if (keepOpen)
                {
                    fixed (byte* p = pathZ)
                    {
                        fd = LibC.Open(p, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
                    }

                    if (fd < 0)
                    {
                        throw Errno.ToException("open", $"cgroup stat file {path}");
                    }
                }

                sources.Add(new Source(kind, path, pathZ, fd));
            }
        }
        catch
        {
            foreach (var source in sources)
            {
                _ = source.Fd >= 0 ? LibC.Close(source.Fd) : 0;
            }

            throw;
        }

        _sources = [.. sources];
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
    }

    /// <summary>The files this reader parses (those that existed when it was built).</summary>
    public IReadOnlyList<string> Files => Array.ConvertAll(_sources, s => s.Path);

    /// <summary>
    /// A reader of a cgroup v2 directory (a real cgroup, or a directory of fixture files in the
    /// same format): memory.current, memory.max, memory.peak, memory.stat, memory.events, cpu.stat,
    /// pids.current, pids.max and io.stat.
    /// </summary>
    public static CgroupStatsReader ForUnifiedDirectory(string directory, bool keepOpen = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var files = new List<(CgroupStatFile, string)>();
        AddMemory(files, directory, unified: true);
        AddCpu(files, directory, directory, unified: true);
        AddPids(files, directory);
        AddIo(files, directory, unified: true);
        return new CgroupStatsReader(files, keepOpen);
    }

    /// <summary>A reader of cgroup v1 directories, one per controller; a <see langword="null"/> directory is skipped.</summary>
    public static CgroupStatsReader ForV1Directories(string? memory, string? cpu, string? cpuacct, string? pids, string? blkio, bool keepOpen = true)
    {
        var files = new List<(CgroupStatFile, string)>();
        if (memory is not null)
        {
            AddMemory(files, memory, unified: false);
        }

        AddCpu(files, cpu, cpuacct, unified: false);
        if (pids is not null)
        {
            AddPids(files, pids);
        }

        if (blkio is not null)
        {
            AddIo(files, blkio, unified: false);
        }

        return new CgroupStatsReader(files, keepOpen);
    }

    /// <summary>A reader for <paramref name="cgroup"/>, each controller read from the hierarchy that carries it.</summary>
    internal static CgroupStatsReader For(Cgroup cgroup, bool keepOpen = true)
    {
        var layout = cgroup.Layout;
        var files = new List<(CgroupStatFile, string)>();
        if (cgroup.DirectoryOf("memory") is { } memory)
        {
            AddMemory(files, memory, layout.HierarchyOf("memory")!.IsUnified);
        }

        var cpu = cgroup.DirectoryOf("cpu");
        var cpuUnified = layout.HierarchyOf("cpu")?.IsUnified ?? false;
        AddCpu(files, cpu, cpuUnified ? cpu : cgroup.DirectoryOf("cpuacct"), cpuUnified);
        if (cgroup.DirectoryOf("pids") is { } pids)
        {
            AddPids(files, pids);
        }

        if (cgroup.DirectoryOf("blkio") is { } blkio)
        {
            AddIo(files, blkio, unified: false);
        }
        else if (cgroup.DirectoryOf("io") is { } io)
        {
            AddIo(files, io, unified: true);
        }

        return new CgroupStatsReader(files, keepOpen);
    }

    /// <summary>Reads every file and returns the counters.</summary>
    public CgroupStats Read()
    {
        var stats = default(CgroupStats);
        Read(ref stats);
        return stats;
    }

    /// <summary>Reads every file into <paramref name="stats"/>.</summary>
    /// <exception cref="Errors.NotFoundException">The cgroup was removed.</exception>
    public void Read(ref CgroupStats stats)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var accumulator = default(CgroupStatParser.Accumulator);
        foreach (var source in _sources)
        {
            var length = ReadFile(source);
            CgroupStatParser.Parse(source.Kind, _buffer.AsSpan(0, length), ref accumulator);
        }

        stats = accumulator.ToStats();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var source in _sources)
        {
            if (source.Fd >= 0)
            {
                _ = LibC.Close(source.Fd);
            }
        }

        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    /// <summary>The file's bytes into <see cref="_buffer"/>, growing it (once, then kept) when a file is larger.</summary>
    private int ReadFile(in Source source)
    {
        while (true)
        {
            var length = _keepOpen ? PReadAll(source) : OpenReadClose(source);
            if (length < _buffer.Length)
            {
                return length;
            }

            // Filled to the brim: the file may be longer. Grow and read it again from the start.
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
    }

    /// <summary>
    /// The error of a failed read; a cgroup removed under an open file answers ENODEV, which is
    /// the cgroup gone (as ENOENT is on open), not a device fault.
    /// </summary>
    private static Exception ReadFailed(string call, string path)
    {
        var errno = Errno.Last;
        return errno == Errno.ENODEV
            ? new NotFoundException($"{call} cgroup stat file {path}: the cgroup has been removed (errno {errno})")
            : Errno.ToException(errno, call, $"cgroup stat file {path}");
    }

    private int PReadAll(in Source source)
    {
        fixed (byte* p = _buffer)
        {
            var total = 0;
            while (total < _buffer.Length)
            {
                var read = LibC.PRead(source.Fd, p + total, (nuint)(_buffer.Length - total), total);
                if (read < 0)
                {
                    if (Errno.Last == Errno.EINTR)
                    {
                        continue;
                    }

                    throw ReadFailed("pread", source.Path);
                }

                if (read == 0)
                {
                    break;
                }

                total += (int)read;
            }

            return total;
        }
    }

    private int OpenReadClose(in Source source)
    {
        int fd;
        fixed (byte* path = source.PathZ)
        {
            fd = LibC.Open(path, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        }

        if (fd < 0)
        {
            throw Errno.ToException("open", $"cgroup stat file {source.Path}");
        }

        try
        {
            fixed (byte* p = _buffer)
            {
                var total = 0;
                while (total < _buffer.Length)
                {
                    var read = LibC.Read(fd, p + total, (nuint)(_buffer.Length - total));
                    if (read < 0)
                    {
                        if (Errno.Last == Errno.EINTR)
                        {
                            continue;
                        }

                        throw ReadFailed("read", source.Path);
                    }

                    if (read == 0)
                    {
                        break;
                    }

                    total += (int)read;
                }

                return total;
            }
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }

    private static void AddMemory(List<(CgroupStatFile, string)> files, string directory, bool unified)
    {
        if (unified)
        {
            files.Add((CgroupStatFile.V2MemoryCurrent, Path.Join(directory, "memory.current")));
            files.Add((CgroupStatFile.V2MemoryMax, Path.Join(directory, "memory.max")));
            files.Add((CgroupStatFile.V2MemoryPeak, Path.Join(directory, "memory.peak")));
            files.Add((CgroupStatFile.V2MemoryStat, Path.Join(directory, "memory.stat")));
            files.Add((CgroupStatFile.V2MemoryEvents, Path.Join(directory, "memory.events")));
        }
        else
        {
            files.Add((CgroupStatFile.V1MemoryUsage, Path.Join(directory, "memory.usage_in_bytes")));
            files.Add((CgroupStatFile.V1MemoryLimit, Path.Join(directory, "memory.limit_in_bytes")));
            files.Add((CgroupStatFile.V1MemoryMaxUsage, Path.Join(directory, "memory.max_usage_in_bytes")));
            files.Add((CgroupStatFile.V1MemoryFailCount, Path.Join(directory, "memory.failcnt")));
            files.Add((CgroupStatFile.V1MemoryStat, Path.Join(directory, "memory.stat")));
            files.Add((CgroupStatFile.V1MemoryOomControl, Path.Join(directory, "memory.oom_control")));
        }
    }

    private static void AddCpu(List<(CgroupStatFile, string)> files, string? cpu, string? cpuacct, bool unified)
    {
        if (unified)
        {
            if (cpu is not null)
            {
                files.Add((CgroupStatFile.V2CpuStat, Path.Join(cpu, "cpu.stat")));
            }

            return;
        }

        if (cpuacct is not null)
        {
            files.Add((CgroupStatFile.V1CpuacctUsage, Path.Join(cpuacct, "cpuacct.usage")));
            files.Add((CgroupStatFile.V1CpuacctStat, Path.Join(cpuacct, "cpuacct.stat")));
        }

        if (cpu is not null)
        {
            files.Add((CgroupStatFile.V1CpuStat, Path.Join(cpu, "cpu.stat")));
        }
    }

    private static void AddPids(List<(CgroupStatFile, string)> files, string directory)
    {
        files.Add((CgroupStatFile.PidsCurrent, Path.Join(directory, "pids.current")));
        files.Add((CgroupStatFile.PidsMax, Path.Join(directory, "pids.max")));
    }

    private static void AddIo(List<(CgroupStatFile, string)> files, string directory, bool unified)
    {
        if (unified)
        {
            files.Add((CgroupStatFile.V2IoStat, Path.Join(directory, "io.stat")));
            return;
        }

        files.Add((CgroupStatFile.V1BlkioBytes, Path.Join(directory, "blkio.throttle.io_service_bytes_recursive")));
        files.Add((CgroupStatFile.V1BlkioOperations, Path.Join(directory, "blkio.throttle.io_serviced_recursive")));
    }

    private readonly record struct Source(CgroupStatFile Kind, string Path, byte[] PathZ, int Fd);
}
