using System.Net;
using Containers.Errors;
using Containers.Networking.Ports;

namespace Containers.Core.Tests.Networking.Ports;

public sealed class PortBindingTests
{
    [TestCase("80", "127.0.0.1", 0, 80, PortProtocol.Tcp)]
    [TestCase("8080:80", "127.0.0.1", 8080, 80, PortProtocol.Tcp)]
    [TestCase("127.0.0.1:8080:80", "127.0.0.1", 8080, 80, PortProtocol.Tcp)]
    [TestCase("127.0.0.1::80", "127.0.0.1", 0, 80, PortProtocol.Tcp)]
    [TestCase("0.0.0.0:443:8443/tcp", "0.0.0.0", 443, 8443, PortProtocol.Tcp)]
    [TestCase("53/udp", "127.0.0.1", 0, 53, PortProtocol.Udp)]
    [TestCase("5353:53/UDP", "127.0.0.1", 5353, 53, PortProtocol.Udp)]
    [TestCase("0:80", "127.0.0.1", 0, 80, PortProtocol.Tcp)]
    [TestCase("[::1]:8080:80", "::1", 8080, 80, PortProtocol.Tcp)]
    [TestCase("[::]::65535/tcp", "::", 0, 65535, PortProtocol.Tcp)]
    public void Parse_DockerForms_GiveHostAddressPortsAndProtocol(string text, string address, int hostPort, int containerPort, PortProtocol protocol)
    {
        var binding = PortBinding.Parse(text);

        Assert.That((binding.HostAddress, binding.HostPort, binding.ContainerPort, binding.Protocol), Is.EqualTo((IPAddress.Parse(address), hostPort, containerPort, protocol)));
        Assert.That(PortBinding.Parse(binding.ToString()), Is.EqualTo(binding), $"{binding} parses back to itself");
        Assert.That(PortBinding.TryParse(text, out var again) && again == binding, Is.True);
    }

    [Test]
    public void Binding_WithNoHostAddress_ListensOnLoopbackAndEqualsTheExplicitForm()
    {
        Assert.That(PortBinding.Parse("8080:80"), Is.EqualTo(PortBinding.Parse("127.0.0.1:8080:80")));
        Assert.That(new PortBinding(80).HostEndPoint, Is.EqualTo(new IPEndPoint(IPAddress.Loopback, 0)));
        Assert.That(default(PortBinding).HostAddress, Is.EqualTo(IPAddress.Loopback));
        Assert.That(PortBinding.Parse("8080:80").ToString(), Is.EqualTo("127.0.0.1:8080:80/tcp"));
        Assert.That(PortBinding.Parse("[::1]::80").ToString(), Is.EqualTo("[::1]::80/tcp"));
    }

    [TestCase("", "container port \"\"")]
    [TestCase("0", "container port \"0\"")]
    [TestCase("65536", "container port \"65536\"")]
    [TestCase("8080:0", "container port \"0\"")]
    [TestCase("65536:80", "host port \"65536\"")]
    [TestCase("-1:80", "host port \"-1\"")]
    [TestCase("http", "container port \"http\"")]
    [TestCase(" 80", "container port \" 80\"")]
    [TestCase("8000-8010:80", "host port \"8000-8010\"")]
    [TestCase("80/sctp", "protocol \"sctp\"")]
    [TestCase("80/", "protocol \"\"")]
    [TestCase("256.0.0.1:8080:80", "host address \"256.0.0.1\"")]
    [TestCase("localhost:8080:80", "host address \"localhost\"")]
    [TestCase("127.1:8080:80", "host address \"127.1\"")]
    [TestCase("::1:8080:80", "too many colons")]
    [TestCase("[::1:8080:80", "IPv6 address in brackets")]
    [TestCase("[127.0.0.1]:8080:80", "IPv6 address in brackets")]
    [TestCase("[::1]:80", "a host port")]
    public void Parse_Junk_ThrowsInvalidArgumentSayingWhatIsWrong(string text, string saying)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => PortBinding.Parse(text));

        Assert.That(error!.Message, Does.Contain($"\"{text}\"").And.Contain(saying));
        Assert.That(PortBinding.TryParse(text, out _), Is.False);
    }

    [TestCase(0, 0)]
    [TestCase(65536, 0)]
    [TestCase(80, -1)]
    [TestCase(80, 65536)]
    public void Constructor_PortOutOfRange_ThrowsInvalidArgument(int containerPort, int hostPort)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => _ = new PortBinding(containerPort, hostPort));
        Assert.That(error!.Message, Does.Contain("out of range"));
    }
}
