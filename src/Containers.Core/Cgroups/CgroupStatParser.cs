using System.Buffers.Text;

namespace Containers.Cgroups;

/// <summary>
/// Parses cgroup stat files from their bytes with <see cref="Utf8Parser"/>, into a mutable
/// accumulator, without allocating. Unknown keys and malformed lines are skipped: the kernel adds
/// keys over time, and a stats read must not fail because of one.
/// </summary>
internal static class CgroupStatParser
{
    /// <summary>The v1 "unlimited" memory limit is LONG_MAX rounded down to a page; report it as <see cref="ulong.MaxValue"/>.</summary>
    private const ulong V1Unlimited = 0x7FFFFFFFFFFFF000;

    internal static void Parse(CgroupStatFile file, ReadOnlySpan<byte> data, ref Accumulator stats)
    {
        switch (file)
        {
            case CgroupStatFile.V1MemoryUsage or CgroupStatFile.V2MemoryCurrent:
                stats.MemoryUsage = Single(data);
                break;
            case CgroupStatFile.V1MemoryLimit:
                var limit = Single(data);
                stats.MemoryLimit = limit >= V1Unlimited ? ulong.MaxValue : limit;
                break;
            case CgroupStatFile.V2MemoryMax:
                stats.MemoryLimit = Single(data);
                break;
            case CgroupStatFile.V1MemoryMaxUsage or CgroupStatFile.V2MemoryPeak:
                stats.MemoryMaxUsage = Single(data);
                break;
            case CgroupStatFile.V1MemoryFailCount:
                stats.OomEvents = Single(data);
                break;
            case CgroupStatFile.V1CpuacctUsage:
                stats.CpuUsage = Single(data);
                break;
            case CgroupStatFile.PidsCurrent:
                stats.PidsCurrent = Single(data);
                break;
            case CgroupStatFile.PidsMax:
                stats.PidsLimit = Single(data);
                break;
            case CgroupStatFile.V1BlkioBytes or CgroupStatFile.V1BlkioOperations:
                ParseBlkio(data, file == CgroupStatFile.V1BlkioBytes, ref stats);
                break;
            case CgroupStatFile.V2IoStat:
                ParseIoStat(data, ref stats);
                break;
            default:
                ParseKeyed(file, data, ref stats);
                break;
        }
    }

    /// <summary>A file of one number, or <c>max</c> (<see cref="ulong.MaxValue"/>).</summary>
    internal static ulong Single(ReadOnlySpan<byte> data)
    {
        data = data.TrimEnd((byte)'\n');
        if (data.SequenceEqual("max"u8))
        {
            return ulong.MaxValue;
        }

        return Utf8Parser.TryParse(data, out ulong value, out _) ? value : 0;
    }

    /// <summary>"key value" lines.</summary>
    private static void ParseKeyed(CgroupStatFile file, ReadOnlySpan<byte> data, ref Accumulator stats)
    {
        while (NextLine(ref data, out var line))
        {
            var space = line.IndexOf((byte)' ');
            if (space <= 0 || !Utf8Parser.TryParse(line[(space + 1)..], out ulong value, out _))
            {
                continue;
            }

            var key = line[..space];
            switch (file)
            {
                case CgroupStatFile.V1MemoryStat:
                    // total_* (hierarchical) come after the local ones and win.
                    if (key.SequenceEqual("rss"u8) || key.SequenceEqual("total_rss"u8))
                    {
                        stats.MemoryAnon = value;
                    }
                    else if (key.SequenceEqual("cache"u8) || key.SequenceEqual("total_cache"u8))
                    {
                        stats.MemoryFile = value;
                    }

                    break;
                case CgroupStatFile.V2MemoryStat:
                    if (key.SequenceEqual("anon"u8))
                    {
                        stats.MemoryAnon = value;
                    }
                    else if (key.SequenceEqual("file"u8))
                    {
                        stats.MemoryFile = value;
                    }

                    break;
                case CgroupStatFile.V1MemoryOomControl:
                    if (key.SequenceEqual("oom_kill"u8))
                    {
                        stats.OomKills = value;
                    }

                    break;
                case CgroupStatFile.V2MemoryEvents:
                    if (key.SequenceEqual("oom"u8))
                    {
                        stats.OomEvents = value;
                    }
                    else if (key.SequenceEqual("oom_kill"u8))
                    {
                        stats.OomKills = value;
                    }

                    break;
                case CgroupStatFile.V1CpuacctStat:
                    if (key.SequenceEqual("user"u8))
                    {
                        stats.CpuUser = CgroupConversions.TicksToNanoseconds(value);
                    }
                    else if (key.SequenceEqual("system"u8))
                    {
                        stats.CpuSystem = CgroupConversions.TicksToNanoseconds(value);
                    }

                    break;
                case CgroupStatFile.V1CpuStat:
                    if (key.SequenceEqual("nr_periods"u8))
                    {
                        stats.CpuPeriods = value;
                    }
                    else if (key.SequenceEqual("nr_throttled"u8))
                    {
                        stats.CpuThrottledPeriods = value;
                    }
                    else if (key.SequenceEqual("throttled_time"u8))
                    {
                        stats.CpuThrottledTime = value;
                    }

                    break;
                case CgroupStatFile.V2CpuStat:
                    if (key.SequenceEqual("usage_usec"u8))
                    {
                        stats.CpuUsage = value * 1000;
                    }
                    else if (key.SequenceEqual("user_usec"u8))
                    {
                        stats.CpuUser = value * 1000;
                    }
                    else if (key.SequenceEqual("system_usec"u8))
                    {
                        stats.CpuSystem = value * 1000;
                    }
                    else if (key.SequenceEqual("nr_periods"u8))
                    {
                        stats.CpuPeriods = value;
                    }
                    else if (key.SequenceEqual("nr_throttled"u8))
                    {
                        stats.CpuThrottledPeriods = value;
                    }
                    else if (key.SequenceEqual("throttled_usec"u8))
                    {
                        stats.CpuThrottledTime = value * 1000;
                    }

                    break;
            }
        }
    }

    /// <summary>v1 <c>8:0 Read 4096</c> lines (and a final <c>Total N</c>, skipped).</summary>
    private static void ParseBlkio(ReadOnlySpan<byte> data, bool bytes, ref Accumulator stats)
    {
        while (NextLine(ref data, out var line))
        {
            var first = line.IndexOf((byte)' ');
            if (first < 0)
            {
                continue;
            }

            var rest = line[(first + 1)..];
            var second = rest.IndexOf((byte)' ');
            if (second < 0 || !Utf8Parser.TryParse(rest[(second + 1)..], out ulong value, out _))
            {
                continue;
            }

            var op = rest[..second];
            if (op.SequenceEqual("Read"u8))
            {
                if (bytes)
                {
                    stats.IoReadBytes += value;
                }
                else
                {
                    stats.IoReadOperations += value;
                }
            }
            else if (op.SequenceEqual("Write"u8))
            {
                if (bytes)
                {
                    stats.IoWriteBytes += value;
                }
                else
                {
                    stats.IoWriteOperations += value;
                }
            }
        }
    }

    /// <summary>v2 <c>8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0</c> lines.</summary>
    private static void ParseIoStat(ReadOnlySpan<byte> data, ref Accumulator stats)
    {
        while (NextLine(ref data, out var line))
        {
            var space = line.IndexOf((byte)' ');
            if (space < 0)
            {
                continue;
            }

            var fields = line[(space + 1)..];
            while (!fields.IsEmpty)
            {
                var end = fields.IndexOf((byte)' ');
                var field = end < 0 ? fields : fields[..end];
                fields = end < 0 ? default : fields[(end + 1)..];
                var equals = field.IndexOf((byte)'=');
                if (equals <= 0 || !Utf8Parser.TryParse(field[(equals + 1)..], out ulong value, out _))
                {
                    continue;
                }

                var key = field[..equals];
                if (key.SequenceEqual("rbytes"u8))
                {
                    stats.IoReadBytes += value;
                }
                else if (key.SequenceEqual("wbytes"u8))
                {
                    stats.IoWriteBytes += value;
                }
                else if (key.SequenceEqual("rios"u8))
                {
                    stats.IoReadOperations += value;
                }
                else if (key.SequenceEqual("wios"u8))
                {
                    stats.IoWriteOperations += value;
                }
            }
        }
    }

    private static bool NextLine(ref ReadOnlySpan<byte> data, out ReadOnlySpan<byte> line)
    {
        while (!data.IsEmpty)
        {
            var end = data.IndexOf((byte)'\n');
            line = end < 0 ? data : data[..end];
            data = end < 0 ? default : data[(end + 1)..];
            if (!line.IsEmpty)
            {
                return true;
            }
        }

        line = default;
        return false;
    }

    /// <summary>The counters while they are being parsed; turned into a <see cref="CgroupStats"/> at the end.</summary>
    internal struct Accumulator
    {
        public ulong MemoryUsage;
        public ulong MemoryLimit;
        public ulong MemoryMaxUsage;
        public ulong MemoryAnon;
        public ulong MemoryFile;
        public ulong OomEvents;
        public ulong OomKills;
        public ulong CpuUsage;
        public ulong CpuUser;
        public ulong CpuSystem;
        public ulong CpuPeriods;
        public ulong CpuThrottledPeriods;
        public ulong CpuThrottledTime;
        public ulong PidsCurrent;
        public ulong PidsLimit;
        public ulong IoReadBytes;
        public ulong IoWriteBytes;
        public ulong IoReadOperations;
        public ulong IoWriteOperations;

        public readonly CgroupStats ToStats() => new(
            new CgroupMemoryStats(MemoryUsage, MemoryLimit, MemoryMaxUsage, MemoryAnon, MemoryFile, OomEvents, OomKills),
            new CgroupCpuStats(CpuUsage, CpuUser, CpuSystem, CpuPeriods, CpuThrottledPeriods, CpuThrottledTime),
            new CgroupPidsStats(PidsCurrent, PidsLimit),
            new CgroupIoStats(IoReadBytes, IoWriteBytes, IoReadOperations, IoWriteOperations));
    }
}
