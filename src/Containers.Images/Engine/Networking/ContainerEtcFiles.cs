using System.Net;
using System.Text;
using Containers.Networking;
using Containers.Runtime.Spec;

namespace Containers.Images.Engine.Networking;

/// <summary>
/// A container's <c>/etc/hosts</c>, <c>/etc/hostname</c> and <c>/etc/resolv.conf</c>, kept as
/// files in its state directory and bind-mounted over the image's, as Docker does. The hosts
/// file changes while the container runs (peers join and leave its network), so it is rewritten
/// in place: the bind mount holds the file's inode, and a new file renamed over it would never
/// reach the container.
/// </summary>
internal static class ContainerEtcFiles
{
    public const string HostsFile = "hosts";
    public const string HostnameFile = "hostname";
    public const string ResolvConfFile = "resolv.conf";

    private const string HostHosts = "/etc/hosts";

    /// <summary>
    /// Writes the three files of a new container into <paramref name="directory"/> and returns
    /// the mounts that put them in place. With the host's network they are copies of the host's;
    /// otherwise the hosts file has the loopback lines until the container gets an address.
    /// </summary>
    public static Task<IReadOnlyList<OciMount>> WriteAsync(string directory, ContainerNetworking networking, bool readOnly, CancellationToken cancellationToken)
    {
        var host = networking.Network == NetworkModes.Host;
        var files = new (string Name, string Destination, string Text)[]
        {
            (HostsFile, HostHosts, host ? ResolvConf.ReadOrEmpty(HostHosts) : Containers.Networking.HostsFile.Loopback().ToString()),
            (HostnameFile, "/etc/hostname", networking.Hostname + "\n"),
            (ResolvConfFile, ResolvConf.HostPath, host ? ResolvConf.ReadHost() : ResolvConf.ForContainer(ResolvConf.ReadHost())),
        };

        var mounts = new List<OciMount>(files.Length);
        foreach (var (name, destination, text) in files)
        {
            var path = Path.Combine(directory, name);
            // Small files: written synchronously, sparing async file I/O's thread-pool round trip.
            cancellationToken.ThrowIfCancellationRequested();
            File.WriteAllText(path, text);
            File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
            mounts.Add(new OciMount
            {
                Destination = destination,
                Type = "bind",
                Source = path,
                Options = readOnly ? ["rbind", "rprivate", "ro"] : ["rbind", "rprivate"],
            });
        }

        return Task.FromResult<IReadOnlyList<OciMount>>(mounts);
    }

    /// <summary>
    /// The hosts file of a container on a bridge: loopback, its own names on its address, then
    /// each peer's names on the peer's address. Names that are not valid hostnames are left out.
    /// </summary>
    public static string Hosts(IPAddress address, IEnumerable<string> names, IEnumerable<(IPAddress Address, IReadOnlyList<string> Names)> peers)
    {
        var file = Containers.Networking.HostsFile.Loopback();
        AddLine(file, address, names);
        foreach (var (peerAddress, peerNames) in peers.OrderBy(p => Ipv4Subnet.ToValue(p.Address)))
        {
            AddLine(file, peerAddress, peerNames);
        }

        return file.ToString();
    }

    /// <summary>Replaces the text of <paramref name="path"/>, keeping the file (and so its inode): truncate, then write.</summary>
    /// <exception cref="FileNotFoundException">The file is gone: its container was removed meanwhile.</exception>
    public static async Task RewriteInPlaceAsync(string path, string text, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            stream.SetLength(0);
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void AddLine(Containers.Networking.HostsFile file, IPAddress address, IEnumerable<string> names)
    {
        var valid = names.Where(Containers.Networking.HostsFile.IsValidName).Distinct(StringComparer.Ordinal).ToArray();
        if (valid.Length > 0)
        {
            file.Add(address, valid);
        }
    }
}
