using System.Globalization;
using Containers.Errors;

namespace Containers.Cgroups;

public sealed partial class Cgroup
{
    /// <summary>
    /// Applies <paramref name="resources"/>: members that are set are written, the others are left
    /// as they are. Everything is validated before the first write.
    /// </summary>
    /// <exception cref="InvalidArgumentException">A resource is invalid; nothing was written.</exception>
    /// <exception cref="FailedPreconditionException">A resource needs a controller this host does not offer; nothing was written.</exception>
    public void Update(CgroupResources resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        resources.Validate();
        CheckSupported(resources);
        Apply(resources);
    }

    /// <summary>Fails before any write when a requested resource has no controller here.</summary>
    private void CheckSupported(CgroupResources resources)
    {
        if (resources.Memory is not null)
        {
            Require("memory", "memory limits");
        }

        if (resources.Cpu is { } cpu)
        {
            if (cpu.Shares is not null || cpu.Weight is not null || cpu.Quota is not null || cpu.Period is not null)
            {
                Require("cpu", "CPU shares, weight, quota and period");
            }

            if (cpu.Cpus is not null || cpu.Mems is not null)
            {
                Require("cpuset", "cpus and mems");
            }
        }

        if (resources.PidsMax is not null)
        {
            Require("pids", "a pids limit");
        }

        if (resources.Io is { } io && (io.Weight is not null || io.HasThrottles))
        {
            if (_layout.FindV1("blkio") is null)
            {
                Require("io", "block I/O weight and throttles");
            }
        }

        if (resources.Devices is { Count: > 0 } && _layout.FindV1("devices") is null && _layout.Unified is null)
        {
            throw new FailedPreconditionException(
                $"cgroup \"{Path}\": device rules need the v1 devices controller or a cgroup v2 hierarchy (for a BPF device filter), and this host ({_layout.Mode}) has neither; "
                + "drop the device rules or mount a cgroup hierarchy");
        }
    }

    private void Require(string controller, string what)
    {
        if (_layout.HierarchyOf(controller) is null)
        {
            throw new FailedPreconditionException(
                $"cgroup \"{Path}\": {what} need the {controller} controller, which this host's cgroup layout ({_layout.Mode}) does not offer; "
                + "leave those resources unset or enable the controller");
        }
    }

    private void Apply(CgroupResources resources)
    {
        if (resources.Memory is { } memory)
        {
            ApplyMemory(memory);
        }

        if (resources.Cpu is { } cpu)
        {
            ApplyCpu(cpu);
        }

        if (resources.PidsMax is { } pids)
        {
            Write("pids", "pids.max", pids == -1 ? "max" : Number(pids));
        }

        if (resources.Io is { } io)
        {
            ApplyIo(io);
        }

        if (resources.Devices is { Count: > 0 } devices)
        {
            if (_layout.FindV1("devices") is null)
            {
                // cgroup v2 has no devices files: a BPF program attached to the cgroup decides.
                ApplyDeviceFilter(devices);
            }
            else
            {
                var directory = DirectoryOf("devices")!;
                foreach (var rule in devices)
                {
                    CgroupFile.Write(Path, directory, rule.Allow ? "devices.allow" : "devices.deny", rule.ToV1Line());
                }
            }
        }
    }

    /// <summary>Puts the rules, as a BPF device filter, on the cgroup's v2 directory (also where v1 has its own devices files, for tests).</summary>
    internal void ApplyDeviceFilter(IReadOnlyList<CgroupDeviceRule> rules)
    {
        var unified = UnifiedDirectory ?? throw new FailedPreconditionException($"cgroup \"{Path}\": a BPF device filter needs a cgroup v2 directory, and this cgroup has none");
        Devices.DeviceFilter.Apply(unified, rules);
    }

    private void ApplyMemory(CgroupMemoryLimits memory)
    {
        var hierarchy = _layout.HierarchyOf("memory")!;
        var directory = DirectoryOf("memory")!;
        if (hierarchy.IsUnified)
        {
            if (memory.Limit is { } limit)
            {
                CgroupFile.Write(Path, directory, "memory.max", limit == -1 ? "max" : Number(limit));
            }

            if (CgroupConversions.SwapToV2(memory.Swap, memory.Limit) is { } swap)
            {
                CgroupFile.Write(Path, directory, "memory.swap.max", swap == -1 ? "max" : Number(swap));
            }

            if (memory.Reservation is { } reservation)
            {
                CgroupFile.Write(Path, directory, "memory.low", reservation == -1 ? "0" : Number(reservation));
            }

            // memory.swappiness and memory.oom_control have no v2 counterpart; runc and crun ignore them too.
            if (memory.Swappiness is not null || memory.DisableOomKiller is true)
            {
                Log.IgnoredOnV2(_logger, Path.Value, "memory.swappiness/disableOOMKiller");
            }

            return;
        }

        ApplyMemoryV1(memory, directory);
    }

    private void ApplyMemoryV1(CgroupMemoryLimits memory, string directory)
    {
        const string limitFile = "memory.limit_in_bytes";
        const string swapFile = "memory.memsw.limit_in_bytes";
        if (memory.Swap is { } swap)
        {
            if (!File.Exists(System.IO.Path.Join(directory, swapFile)))
            {
                throw new FailedPreconditionException(
                    $"cgroup \"{Path}\": memory.swap needs {swapFile}, which this kernel lacks (swap accounting is off); boot with swapaccount=1 or leave memory.swap unset");
            }

            // memsw must stay at or above the limit after every single write: when the new limit
            // is above the current memsw (or swap becomes unlimited), raise memsw first.
            var currentSwap = ParseLimit(CgroupFile.Read(Path, directory, swapFile));
            var limit = memory.Limit ?? -1;
            if (swap == -1 || limit == -1 || limit > currentSwap)
            {
                CgroupFile.Write(Path, directory, swapFile, Number(swap));
                if (memory.Limit is { } l)
                {
                    CgroupFile.Write(Path, directory, limitFile, Number(l));
                }
            }
            else
            {
                CgroupFile.Write(Path, directory, limitFile, Number(limit));
                CgroupFile.Write(Path, directory, swapFile, Number(swap));
            }
        }
        else if (memory.Limit is { } limit)
        {
            CgroupFile.Write(Path, directory, limitFile, Number(limit));
        }

        if (memory.Reservation is { } reservation)
        {
            CgroupFile.Write(Path, directory, "memory.soft_limit_in_bytes", Number(reservation));
        }

        if (memory.Swappiness is { } swappiness)
        {
            CgroupFile.Write(Path, directory, "memory.swappiness", swappiness.ToString(CultureInfo.InvariantCulture));
        }

        if (memory.DisableOomKiller is { } disable)
        {
            CgroupFile.Write(Path, directory, "memory.oom_control", disable ? "1" : "0");
        }
    }

    private void ApplyCpu(CgroupCpuLimits cpu)
    {
        if (cpu.Shares is not null || cpu.Weight is not null || cpu.Quota is not null || cpu.Period is not null)
        {
            var directory = DirectoryOf("cpu")!;
            if (_layout.HierarchyOf("cpu")!.IsUnified)
            {
                if ((cpu.Weight ?? (cpu.Shares is { } s ? CgroupConversions.SharesToWeight(s) : null)) is { } weight)
                {
                    CgroupFile.Write(Path, directory, "cpu.weight", weight.ToString(CultureInfo.InvariantCulture));
                }

                if (cpu.Quota is not null || cpu.Period is not null)
                {
                    // cpu.max is "$QUOTA $PERIOD": keep the half that is not being changed.
                    var current = CgroupFile.FirstLine(CgroupFile.Read(Path, directory, "cpu.max")).Split(' ');
                    var quota = cpu.Quota is { } q ? (q == -1 ? "max" : Number(q)) : current[0];
                    var period = cpu.Period is { } p ? p.ToString(CultureInfo.InvariantCulture) : current[1];
                    CgroupFile.Write(Path, directory, "cpu.max", $"{quota} {period}");
                }
            }
            else
            {
                if ((cpu.Shares ?? (cpu.Weight is { } w ? CgroupConversions.WeightToShares(w) : null)) is { } shares)
                {
                    CgroupFile.Write(Path, directory, "cpu.shares", shares.ToString(CultureInfo.InvariantCulture));
                }

                if (cpu.Period is { } period)
                {
                    CgroupFile.Write(Path, directory, "cpu.cfs_period_us", period.ToString(CultureInfo.InvariantCulture));
                }

                if (cpu.Quota is { } quota)
                {
                    CgroupFile.Write(Path, directory, "cpu.cfs_quota_us", Number(quota));
                }
            }
        }

        if (cpu.Cpus is { } cpus)
        {
            Write("cpuset", "cpuset.cpus", cpus);
        }

        if (cpu.Mems is { } mems)
        {
            Write("cpuset", "cpuset.mems", mems);
        }
    }

    private void ApplyIo(CgroupIoLimits io)
    {
        if (_layout.FindV1("blkio") is not null)
        {
            var directory = DirectoryOf("blkio")!;
            if (io.Weight is { } weight)
            {
                CgroupFile.Write(Path, directory, WeightFile(directory, "blkio.weight", "blkio.bfq.weight"), weight.ToString(CultureInfo.InvariantCulture));
            }

            WriteThrottles(directory, "blkio.throttle.read_bps_device", io.ReadBps);
            WriteThrottles(directory, "blkio.throttle.write_bps_device", io.WriteBps);
            WriteThrottles(directory, "blkio.throttle.read_iops_device", io.ReadIops);
            WriteThrottles(directory, "blkio.throttle.write_iops_device", io.WriteIops);
            return;
        }

        var unified = DirectoryOf("io")!;
        if (io.Weight is { } w)
        {
            var file = WeightFile(unified, "io.weight", "io.bfq.weight");
            var value = CgroupConversions.BlkioWeightToIoWeight(w).ToString(CultureInfo.InvariantCulture);
            CgroupFile.Write(Path, unified, file, file == "io.weight" ? "default " + value : value);
        }

        foreach (var line in IoMaxLines(io))
        {
            CgroupFile.Write(Path, unified, "io.max", line);
        }
    }

    /// <summary>One <c>io.max</c> line per device: <c>8:0 rbps=1048576 wiops=100</c>; a rate of 0 is <c>max</c>.</summary>
    internal static IEnumerable<string> IoMaxLines(CgroupIoLimits io)
    {
        var devices = new SortedDictionary<(long Major, long Minor), List<string>>();
        Add(io.ReadBps, "rbps");
        Add(io.WriteBps, "wbps");
        Add(io.ReadIops, "riops");
        Add(io.WriteIops, "wiops");
        return devices.Select(d => $"{d.Key.Major}:{d.Key.Minor} {string.Join(' ', d.Value)}");

        void Add(IReadOnlyList<CgroupThrottle>? throttles, string key)
        {
            foreach (var t in throttles ?? [])
            {
                if (!devices.TryGetValue((t.Major, t.Minor), out var settings))
                {
                    devices[(t.Major, t.Minor)] = settings = [];
                }

                settings.Add($"{key}={(t.Rate == 0 ? "max" : t.Rate.ToString(CultureInfo.InvariantCulture))}");
            }
        }
    }

    private void WriteThrottles(string directory, string file, IReadOnlyList<CgroupThrottle>? throttles)
    {
        foreach (var t in throttles ?? [])
        {
            CgroupFile.Write(Path, directory, file, string.Create(CultureInfo.InvariantCulture, $"{t.Major}:{t.Minor} {t.Rate}"));
        }
    }

    private string WeightFile(string directory, string plain, string bfq)
    {
        if (File.Exists(System.IO.Path.Join(directory, plain)))
        {
            return plain;
        }

        return File.Exists(System.IO.Path.Join(directory, bfq))
            ? bfq
            : throw new FailedPreconditionException(
                $"cgroup \"{Path}\": an I/O weight needs {plain} or {bfq} in {directory}, and neither exists (the block devices' I/O scheduler has no weights); use the bfq scheduler or leave the weight unset");
    }

    private void Write(string controller, string file, string value) =>
        CgroupFile.Write(Path, DirectoryOf(controller)!, file, value);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static long ParseLimit(string text) =>
        long.TryParse(CgroupFile.FirstLine(text).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : long.MaxValue;
}
