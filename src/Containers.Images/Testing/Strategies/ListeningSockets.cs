using System.Globalization;

namespace Containers.Images.Testing.Strategies;

/// <summary>
/// Whether something in a container listens on a TCP port, read from the kernel's socket tables
/// of its network namespace (<c>/proc/&lt;pid&gt;/net/tcp</c> and <c>tcp6</c>). A published port's
/// forwarder accepts on the host before the container listens, so a connection through it alone
/// proves nothing.
/// </summary>
internal static class ListeningSockets
{
    private const string Listen = "0A";

    /// <summary>Whether a socket in the network namespace of process <paramref name="pid"/> listens on <paramref name="port"/>; false once the process is gone.</summary>
    public static bool IsListening(int pid, int port)
    {
        var net = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/net/";
        return IsListening(Read(net + "tcp"), port) || IsListening(Read(net + "tcp6"), port);
    }

    /// <summary>Whether a table in <c>/proc/net/tcp</c>'s format has a listening socket on <paramref name="port"/>.</summary>
    internal static bool IsListening(string table, int port)
    {
        Span<Range> parts = stackalloc Range[5];
        foreach (var line in table.AsSpan().EnumerateLines())
        {
            // "  sl  local_address rem_address   st ...": local_address is HEXADDR:HEXPORT.
            var fields = line.Trim();
            if (fields.SplitAny(parts, " \t", StringSplitOptions.RemoveEmptyEntries) < 4)
            {
                continue;
            }

            var local = fields[parts[1]];
            var colon = local.LastIndexOf(':');
            if (colon > 0
                && fields[parts[3]].SequenceEqual(Listen)
                && int.TryParse(local[(colon + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var listening)
                && listening == port)
            {
                return true;
            }
        }

        return false;
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            // No IPv6 in the namespace, or the process has exited.
            return string.Empty;
        }
    }
}
