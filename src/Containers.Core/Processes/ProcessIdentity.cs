using System.Globalization;

namespace Containers.Processes;

/// <summary>
/// A pid together with the process's start time (field 22 of <c>/proc/pid/stat</c>), which tells
/// a live process from a later one that reuses its pid.
/// </summary>
public readonly record struct ProcessIdentity(int Pid, ulong StartTime)
{
    /// <summary>The identity of the running process <paramref name="pid"/>, or null when there is none.</summary>
    public static ProcessIdentity? Of(int pid) =>
        Read(pid) is { } stat ? new ProcessIdentity(pid, stat.StartTime) : null;

    /// <summary>Whether this very process still exists (a zombie counts until it is reaped).</summary>
    public bool IsAlive => Read(Pid) is { } now && now.StartTime == StartTime;

    /// <summary>Whether this very process still exists and has not ended: a zombie (or a dying <c>X</c>) has.</summary>
    public bool IsRunning => Read(Pid) is { } now && now.StartTime == StartTime && now.State is not ('Z' or 'X');

    /// <summary>The state (field 3) and start time (field 22) of <paramref name="pid"/>, read at once; null when there is no such process.</summary>
    private static (char State, ulong StartTime)? Read(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name may hold spaces and parentheses: fields start after the last ')'.
        var rest = stat.AsSpan(stat.LastIndexOf(')') + 2);
        if (rest.IsEmpty)
        {
            return null;
        }

        var state = rest[0];
        for (var field = 3; field < 22; field++)
        {
            var space = rest.IndexOf(' ');
            if (space < 0)
            {
                return null;
            }

            rest = rest[(space + 1)..];
        }

        var end = rest.IndexOf(' ');
        return ulong.TryParse(end < 0 ? rest : rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? (state, start)
            : null;
    }
}
