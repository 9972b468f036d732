using Containers.Errors;

namespace Containers.Runtime.Spec;

/// <summary>The resource limits by spec name (<c>RLIMIT_NOFILE</c>) and setrlimit(2) resource number (7).</summary>
public static class Rlimits
{
    private static readonly string[] NameTable =
    [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC",
        "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    ];

    private static readonly Dictionary<string, int> ByName =
        NameTable.Select((name, number) => (name, number)).ToDictionary(p => p.name, p => p.number, StringComparer.Ordinal);

    /// <summary>Every limit name, indexed by its resource number.</summary>
    public static IReadOnlyList<string> Names => NameTable;

    /// <summary>The resource number of a limit name such as <c>RLIMIT_NOFILE</c>.</summary>
    /// <exception cref="InvalidArgumentException">The name is not a Linux resource limit.</exception>
    public static int Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryParse(name, out var number))
        {
            return number;
        }

        var hint = ByName.ContainsKey("RLIMIT_" + name.ToUpperInvariant()) ? $"; write it as \"RLIMIT_{name.ToUpperInvariant()}\""
            : $"; use one of {string.Join(", ", NameTable)}";
        throw new InvalidArgumentException($"unknown rlimit type \"{name}\"{hint}");
    }

    /// <summary>Looks a limit name up without throwing.</summary>
    public static bool TryParse(string name, out int number) => ByName.TryGetValue(name, out number);

    /// <summary>The name of resource <paramref name="number"/>.</summary>
    public static string GetName(int number)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(number, NameTable.Length);
        return NameTable[number];
    }
}
