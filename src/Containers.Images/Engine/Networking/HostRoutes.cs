using System.Buffers.Binary;
using System.Globalization;

namespace Containers.Images.Engine.Networking;

/// <summary>
/// The host's IPv4 routes from <c>/proc/net/route</c>, which include the subnet of every
/// interface address, so that a new network's subnet can keep clear of them. The default route
/// (prefix length 0) is left out: it overlaps everything.
/// </summary>
internal static class HostRoutes
{
    private const string RouteFile = "/proc/net/route";

    /// <summary>Each route's interface and destination prefix; none when the file cannot be read.</summary>
    public static IReadOnlyList<(string Interface, Ipv4Prefix Destination)> Read(string path = RouteFile)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        return [.. lines.Skip(1).Select(Parse).OfType<(string, Ipv4Prefix)>()];
    }

    /// <summary>
    /// A line such as <c>eth0	000200C0	00000000	0001	0	0	0	00FFFFFF	…</c>: the destination
    /// and mask are hex words in the host's byte order.
    /// </summary>
    internal static (string Interface, Ipv4Prefix Destination)? Parse(string line)
    {
        var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 8
            || !uint.TryParse(fields[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var destination)
            || !uint.TryParse(fields[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask))
        {
            return null;
        }

        if (BitConverter.IsLittleEndian)
        {
            destination = BinaryPrimitives.ReverseEndianness(destination);
            mask = BinaryPrimitives.ReverseEndianness(mask);
        }

        var length = System.Numerics.BitOperations.PopCount(mask);
        return length == 0 ? null : (fields[0], new Ipv4Prefix(destination & mask, length));
    }
}
