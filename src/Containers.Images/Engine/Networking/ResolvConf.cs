using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Containers.Images.Engine.Networking;

/// <summary>
/// A container's <c>/etc/resolv.conf</c>, made from the host's as Docker makes it: a container
/// in a network namespace of its own cannot reach the host's loopback, so loopback nameservers
/// are dropped (and IPv6 ones, as the bridge is IPv4 only); when none is left, Google's public
/// servers stand in, as Docker's defaults. Search and options lines stay.
/// </summary>
internal static class ResolvConf
{
    public const string HostPath = "/etc/resolv.conf";

    /// <summary>Where systemd-resolved keeps the real upstream servers behind its 127.0.0.53 stub.</summary>
    public const string SystemdResolvedPath = "/run/systemd/resolve/resolv.conf";

    private static readonly string[] Fallback = ["8.8.8.8", "8.8.4.4"];

    /// <summary>The host's file, or systemd-resolved's upstream one when the host's only names its stub; empty when there is none.</summary>
    public static string ReadHost(string hostPath = HostPath, string systemdPath = SystemdResolvedPath)
    {
        var text = ReadOrEmpty(hostPath);
        var servers = Nameservers(text).ToArray();
        return servers.Length > 0 && servers.All(s => s == "127.0.0.53") && File.Exists(systemdPath) ? ReadOrEmpty(systemdPath) : text;
    }

    /// <summary>The host's <paramref name="text"/> for a container with a network namespace of its own.</summary>
    public static string ForContainer(string text)
    {
        var result = new StringBuilder();
        var kept = 0;
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields is ["nameserver", var server, ..])
            {
                if (!IPAddress.TryParse(server.Split('%')[0], out var address) || IPAddress.IsLoopback(address) || address.AddressFamily != AddressFamily.InterNetwork)
                {
                    continue;
                }

                kept++;
            }

            if (line.Length > 0)
            {
                result.Append(line).Append('\n');
            }
        }

        if (kept == 0)
        {
            foreach (var server in Fallback)
            {
                result.Append("nameserver ").Append(server).Append('\n');
            }
        }

        return result.ToString();
    }

    private static IEnumerable<string> Nameservers(string text) =>
        text.Split('\n').Select(line => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Where(f => f is ["nameserver", _, ..]).Select(f => f[1]);

    /// <summary>The text of <paramref name="path"/>, or empty when it does not exist.</summary>
    internal static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return string.Empty;
        }
    }
}
