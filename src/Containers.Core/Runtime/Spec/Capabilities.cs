using System.Globalization;
using Containers.Errors;

namespace Containers.Runtime.Spec;

/// <summary>
/// The Linux capabilities by name (<c>CAP_CHOWN</c>) and number (0), as <c>linux/capability.h</c>
/// defines them, and the bit masks that capset(2) and the bounding set take.
/// </summary>
public static class Capabilities
{
    /// <summary>The highest capability number this table knows (<c>CAP_CHECKPOINT_RESTORE</c>).</summary>
    public const int Last = 40;

    private static readonly string[] NameTable =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    private static readonly Dictionary<string, int> ByName =
        NameTable.Select((name, number) => (name, number)).ToDictionary(p => p.name, p => p.number, StringComparer.Ordinal);

    private static readonly Lazy<int> KernelLast = new(() => ReadLastCap("/proc/sys/kernel/cap_last_cap"));

    /// <summary>Every capability name, indexed by its number.</summary>
    public static IReadOnlyList<string> Names => NameTable;

    /// <summary>
    /// The highest capability the running kernel supports (<c>/proc/sys/kernel/cap_last_cap</c>);
    /// <see cref="Last"/> when that file cannot be read.
    /// </summary>
    public static int KernelLastCap => KernelLast.Value;

    /// <summary>The mask of every capability the running kernel supports.</summary>
    public static ulong KernelMask => MaskUpTo(KernelLastCap);

    /// <summary>The number of a capability name such as <c>CAP_SYS_ADMIN</c> (exact, upper case, with the prefix).</summary>
    /// <exception cref="InvalidArgumentException">The name is not a Linux capability.</exception>
    public static int Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryParse(name, out var number))
        {
            return number;
        }

        var hint = ByName.ContainsKey("CAP_" + name.ToUpperInvariant()) ? $"; write it as \"CAP_{name.ToUpperInvariant()}\""
            : ByName.ContainsKey(name.ToUpperInvariant()) ? $"; write it in upper case, \"{name.ToUpperInvariant()}\""
            : "; names look like \"CAP_NET_BIND_SERVICE\" (see capabilities(7))";
        throw new InvalidArgumentException($"unknown capability \"{name}\"{hint}");
    }

    /// <summary>Looks a capability name up without throwing.</summary>
    public static bool TryParse(string name, out int number) => ByName.TryGetValue(name, out number);

    /// <summary>The name of capability <paramref name="number"/>.</summary>
    public static string GetName(int number)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, Last);
        return NameTable[number];
    }

    /// <summary>The bit mask (bit n = capability n) of <paramref name="names"/>; null or empty gives 0.</summary>
    /// <exception cref="InvalidArgumentException">A name is not a Linux capability.</exception>
    public static ulong ToMask(IReadOnlyList<string>? names)
    {
        ulong mask = 0;
        foreach (var name in names ?? [])
        {
            mask |= 1UL << Parse(name);
        }

        return mask;
    }

    /// <summary>
    /// <see cref="ToMask(IReadOnlyList{string}?)"/> without the capabilities above
    /// <paramref name="lastCap"/>: as runc does, capabilities the kernel does not know are dropped.
    /// </summary>
    public static ulong ToMask(IReadOnlyList<string>? names, int lastCap) => ToMask(names) & MaskUpTo(lastCap);

    /// <summary>The names of the bits set in <paramref name="mask"/>, lowest first.</summary>
    public static IReadOnlyList<string> FromMask(ulong mask)
    {
        var names = new List<string>();
        for (var number = 0; number <= Last; number++)
        {
            if ((mask & (1UL << number)) != 0)
            {
                names.Add(NameTable[number]);
            }
        }

        return names;
    }

    internal static ulong MaskUpTo(int lastCap) => lastCap switch
    {
        < 0 => 0,
        >= 63 => ulong.MaxValue,
        _ => (1UL << (lastCap + 1)) - 1,
    };

    internal static int ReadLastCap(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var last) ? last : Last;
        }
        catch (IOException)
        {
            return Last;
        }
        catch (UnauthorizedAccessException)
        {
            return Last;
        }
    }
}
