using System.Globalization;
using System.Net;
using System.Text;
using Containers.Errors;

namespace Containers.Networking;

/// <summary>
/// The content of a container's <c>/etc/hosts</c>: the loopback names, the container's own
/// name, and the names of the other containers on its network, so they resolve one another
/// with no DNS server.
/// </summary>
public sealed class HostsFile
{
    private readonly List<(IPAddress Address, string[] Names)> entries = [];

    /// <summary>Adds a line; every name must be a valid hostname (letters, digits, <c>-</c>, <c>.</c>, <c>_</c>).</summary>
    public HostsFile Add(IPAddress address, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(names);
        if (names.Length == 0)
        {
            throw new InvalidArgumentException($"a hosts line for {address} needs at least one name");
        }

        foreach (var name in names)
        {
            Validate(name);
        }

        entries.Add((address, names));
        return this;
    }

    /// <summary>The loopback lines every hosts file starts with: <c>localhost</c> on 127.0.0.1 and ::1.</summary>
    public static HostsFile Loopback() =>
        new HostsFile()
            .Add(IPAddress.Loopback, "localhost")
            .Add(IPAddress.IPv6Loopback, "localhost", "ip6-localhost", "ip6-loopback");

    /// <summary>
    /// The hosts file for <paramref name="self"/>: loopback, itself, then each other endpoint on
    /// the network that has a hostname.
    /// </summary>
    public static HostsFile For(NetworkEndpoint self, IEnumerable<NetworkEndpoint> network)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(network);
        var file = Loopback();
        if (self.Hostname is { } own)
        {
            file.Add(self.Address, own);
        }

        foreach (var peer in network.Where(p => p.ContainerId != self.ContainerId && p.Hostname is not null).OrderBy(p => p.Address.ToString(), StringComparer.Ordinal))
        {
            file.Add(peer.Address, peer.Hostname!);
        }

        return file;
    }

    /// <summary>Whether <paramref name="name"/> is fit for a hosts file.</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 253 && name[0] != '-' && name[0] != '.'
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (address, names) in entries)
        {
            text.Append(CultureInfo.InvariantCulture, $"{address}\t{string.Join(' ', names)}\n");
        }

        return text.ToString();
    }

    private static void Validate(string name)
    {
        if (!IsValidName(name))
        {
            throw new InvalidArgumentException($"\"{name}\" is not a hostname for /etc/hosts; use letters, digits, '-', '.' and '_', starting with a letter or digit");
        }
    }
}
