using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Containers.Errors;

namespace Containers.Networking.Ports;

/// <summary>
/// A published port, what <c>docker run -p</c> takes: a host address and port that forward to a
/// container's port. Unlike Docker, the host address defaults to <c>127.0.0.1</c>: the platform
/// only listens on loopback unless asked. A host port of 0 asks the kernel for a free one.
/// </summary>
/// <remarks>
/// Parses <c>80</c>, <c>8080:80</c>, <c>127.0.0.1:8080:80</c>, <c>127.0.0.1::80</c>,
/// <c>[::1]:8080:80</c>, each with an optional <c>/tcp</c> or <c>/udp</c>. Port ranges are not
/// supported.
/// </remarks>
public readonly record struct PortBinding
{
    /// <summary>Makes a binding; <see cref="InvalidArgumentException"/> says what is wrong.</summary>
    /// <param name="containerPort">The port inside the container, 1 to 65535.</param>
    /// <param name="hostPort">The port on the host, 1 to 65535, or 0 for one the kernel picks.</param>
    /// <param name="hostAddress">The host address to listen on; <c>127.0.0.1</c> when null.</param>
    /// <param name="protocol">TCP unless said otherwise.</param>
    public PortBinding(int containerPort, int hostPort = 0, IPAddress? hostAddress = null, PortProtocol protocol = PortProtocol.Tcp)
    {
        if (containerPort is < 1 or > 65535)
        {
            throw new InvalidArgumentException($"container port {containerPort} is out of range; it must be 1 to 65535");
        }

        if (hostPort is < 0 or > 65535)
        {
            throw new InvalidArgumentException($"host port {hostPort} is out of range; it must be 1 to 65535, or 0 for a free port the kernel picks");
        }

        if (hostAddress is not null && hostAddress.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new InvalidArgumentException($"host address {hostAddress} is not an IPv4 or IPv6 address");
        }

        if (!Enum.IsDefined(protocol))
        {
            throw new InvalidArgumentException($"protocol {(int)protocol} is not tcp or udp");
        }

        ContainerPort = containerPort;
        HostPort = hostPort;
        HostAddressOrNull = hostAddress is null || hostAddress.Equals(IPAddress.Loopback) ? null : hostAddress;
        Protocol = protocol;
    }

    /// <summary>The address to listen on; <c>127.0.0.1</c> unless another was given.</summary>
    public IPAddress HostAddress => HostAddressOrNull ?? IPAddress.Loopback;

    /// <summary>The port to listen on, or 0 for a free one the kernel picks.</summary>
    public int HostPort { get; }

    /// <summary>The port inside the container.</summary>
    public int ContainerPort { get; }

    /// <summary>TCP or UDP.</summary>
    public PortProtocol Protocol { get; }

    /// <summary>The endpoint to listen on.</summary>
    public IPEndPoint HostEndPoint => new(HostAddress, HostPort);

    // Null stands for the default, so default(PortBinding) still reads as loopback.
    private IPAddress? HostAddressOrNull { get; }

    /// <summary>Parses Docker's <c>[ip:][hostPort:]containerPort[/protocol]</c>.</summary>
    /// <exception cref="InvalidArgumentException">The text is not a binding; the message says why.</exception>
    public static PortBinding Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var binding, out var error) ? binding : throw new InvalidArgumentException(error);
    }

    public static bool TryParse(ReadOnlySpan<char> text, out PortBinding binding) => TryParse(text, out binding, out _);

    /// <summary>Docker's form, with the address and the protocol always written: <c>127.0.0.1:8080:80/tcp</c>.</summary>
    public override string ToString()
    {
        var address = HostAddress.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{HostAddress}]" : HostAddress.ToString();
        var hostPort = HostPort == 0 ? string.Empty : HostPort.ToString(CultureInfo.InvariantCulture);
        return $"{address}:{hostPort}:{ContainerPort.ToString(CultureInfo.InvariantCulture)}/{(Protocol == PortProtocol.Tcp ? "tcp" : "udp")}";
    }

    private static bool TryParse(ReadOnlySpan<char> text, out PortBinding binding, [NotNullWhen(false)] out string? error)
    {
        binding = default;
        var whole = text;
        var protocol = PortProtocol.Tcp;
        var slash = text.LastIndexOf('/');
        if (slash >= 0)
        {
            var name = text[(slash + 1)..];
            if (name.Equals("tcp", StringComparison.OrdinalIgnoreCase))
            {
                protocol = PortProtocol.Tcp;
            }
            else if (name.Equals("udp", StringComparison.OrdinalIgnoreCase))
            {
                protocol = PortProtocol.Udp;
            }
            else
            {
                error = $"port binding \"{whole}\" has protocol \"{name}\"; it must be tcp or udp";
                return false;
            }

            text = text[..slash];
        }

        IPAddress? address = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':'
                || !IPAddress.TryParse(text[1..close], out address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = $"port binding \"{whole}\" does not start with an IPv6 address in brackets followed by a colon, as in [::1]:8080:80";
                return false;
            }

            text = text[(close + 2)..];
            if (text.Count(':') != 1)
            {
                error = $"port binding \"{whole}\" must have a host port (or nothing, for a free one) and a container port after the address, as in [::1]:8080:80";
                return false;
            }
        }

        ReadOnlySpan<char> hostPortText = [];
        ReadOnlySpan<char> containerPortText;
        switch (text.Count(':'))
        {
            case 0:
                containerPortText = text;
                break;
            case 1:
                var colon = text.IndexOf(':');
                hostPortText = text[..colon];
                containerPortText = text[(colon + 1)..];
                break;
            case 2:
                var first = text.IndexOf(':');
                var last = text.LastIndexOf(':');
                var addressText = text[..first];
                if (!IPAddress.TryParse(addressText, out address) || address.AddressFamily != AddressFamily.InterNetwork || addressText.Count('.') != 3)
                {
                    error = $"port binding \"{whole}\" has host address \"{addressText}\", which is not an IPv4 address; write an IPv6 one in brackets, as in [::1]:8080:80";
                    return false;
                }

                hostPortText = text[(first + 1)..last];
                containerPortText = text[(last + 1)..];
                break;
            default:
                error = $"port binding \"{whole}\" has too many colons; write [ip:][hostPort:]containerPort, with an IPv6 address in brackets";
                return false;
        }

        if (!TryParsePort(containerPortText, out var containerPort) || containerPort == 0)
        {
            error = $"port binding \"{whole}\" has container port \"{containerPortText}\"; it must be a number from 1 to 65535";
            return false;
        }

        var hostPort = 0;
        if (!hostPortText.IsEmpty && !TryParsePort(hostPortText, out hostPort))
        {
            error = $"port binding \"{whole}\" has host port \"{hostPortText}\"; it must be a number from 1 to 65535, or left out for a free one";
            return false;
        }

        binding = new PortBinding(containerPort, hostPort, address, protocol);
        error = null;
        return true;
    }

    private static bool TryParsePort(ReadOnlySpan<char> text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535 && text.Length <= 5;
}
