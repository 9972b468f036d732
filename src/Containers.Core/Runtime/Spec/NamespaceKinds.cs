using Containers.Errors;

namespace Containers.Runtime.Spec;

/// <summary>
/// Each <see cref="NamespaceKind"/> with its runtime-spec type (<c>network</c>), its clone(2)
/// flag (CLONE_NEWNET) and its file under <c>/proc/&lt;pid&gt;/ns/</c> (<c>net</c>).
/// </summary>
public static class NamespaceKinds
{
    private static readonly (NamespaceKind Kind, string OciType, ulong CloneFlag, string ProcFile)[] Table =
    [
        (NamespaceKind.Pid, "pid", 0x20000000, "pid"),
        (NamespaceKind.Network, "network", 0x40000000, "net"),
        (NamespaceKind.Mount, "mount", 0x00020000, "mnt"),
        (NamespaceKind.Ipc, "ipc", 0x08000000, "ipc"),
        (NamespaceKind.Uts, "uts", 0x04000000, "uts"),
        (NamespaceKind.User, "user", 0x10000000, "user"),
        (NamespaceKind.Cgroup, "cgroup", 0x02000000, "cgroup"),
        (NamespaceKind.Time, "time", 0x00000080, "time"),
    ];

    /// <summary>Every kind, in the order above.</summary>
    public static IReadOnlyList<NamespaceKind> All { get; } = Table.Select(row => row.Kind).ToArray();

    /// <summary>The kind of a runtime-spec namespace type such as <c>network</c>.</summary>
    /// <exception cref="InvalidArgumentException">The type is not one the spec defines.</exception>
    public static NamespaceKind Parse(string ociType)
    {
        ArgumentNullException.ThrowIfNull(ociType);
        if (TryParse(ociType, out var kind))
        {
            return kind;
        }

        var hint = ociType switch
        {
            "net" => "; the spec calls it \"network\"",
            "mnt" => "; the spec calls it \"mount\"",
            _ => string.Empty,
        };
        throw new InvalidArgumentException(
            $"unknown namespace type \"{ociType}\"{hint}; use one of {string.Join(", ", Table.Select(row => row.OciType))}");
    }

    /// <summary>Looks a runtime-spec namespace type up without throwing.</summary>
    public static bool TryParse(string ociType, out NamespaceKind kind)
    {
        foreach (var row in Table)
        {
            if (string.Equals(row.OciType, ociType, StringComparison.Ordinal))
            {
                kind = row.Kind;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>The runtime-spec type string (<c>network</c>).</summary>
    public static string ToOciType(this NamespaceKind kind) => Row(kind).OciType;

    /// <summary>The clone(2)/unshare(2)/setns(2) flag (CLONE_NEWNET).</summary>
    public static ulong ToCloneFlag(this NamespaceKind kind) => Row(kind).CloneFlag;

    /// <summary>The file name under <c>/proc/&lt;pid&gt;/ns/</c> (<c>net</c>).</summary>
    public static string ToProcFileName(this NamespaceKind kind) => Row(kind).ProcFile;

    /// <summary>The path of <paramref name="pid"/>'s namespace of this kind, to join it.</summary>
    public static string ProcPath(this NamespaceKind kind, int pid) => $"/proc/{pid}/ns/{Row(kind).ProcFile}";

    /// <summary>The clone flags of all <paramref name="kinds"/>, ORed.</summary>
    public static ulong ToCloneFlags(IEnumerable<NamespaceKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        return kinds.Aggregate(0UL, (flags, kind) => flags | kind.ToCloneFlag());
    }

    private static (NamespaceKind Kind, string OciType, ulong CloneFlag, string ProcFile) Row(NamespaceKind kind) =>
        (uint)kind < (uint)Table.Length ? Table[(int)kind] : throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a namespace kind");
}
