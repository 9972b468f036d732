using System.Net;
using System.Net.NetworkInformation;
using Containers.Errors;
using Containers.Networking;

namespace Containers.Core.Tests.Networking;

public sealed class HostsFileTests
{
    [Test]
    public void For_AnEndpoint_ListsLoopbackItselfAndItsNamedPeers()
    {
        var self = Endpoint("a", "alpha", "10.233.1.2");
        var peers = new[] { self, Endpoint("c", "gamma", "10.233.1.4"), Endpoint("b", "beta", "10.233.1.3"), Endpoint("d", null, "10.233.1.5") };

        var text = HostsFile.For(self, peers).ToString();

        Assert.That(text, Is.EqualTo(
            "127.0.0.1\tlocalhost\n" +
            "::1\tlocalhost ip6-localhost ip6-loopback\n" +
            "10.233.1.2\talpha\n" +
            "10.233.1.3\tbeta\n" +
            "10.233.1.4\tgamma\n"));
    }

    [TestCase("bad name")]
    [TestCase("evil\n10.0.0.1 x")]
    [TestCase("-dash")]
    [TestCase("")]
    public void Add_ANameThatIsNotAHostname_ThrowsInvalidArgument(string name) =>
        Assert.Throws<InvalidArgumentException>(() => new HostsFile().Add(IPAddress.Loopback, name));

    private static NetworkEndpoint Endpoint(string id, string? hostname, string address) =>
        new("net", id, hostname, IPAddress.Parse(address), 24, IPAddress.Parse("10.233.1.1"), PhysicalAddress.None, "veth" + id, "eth0");
}
