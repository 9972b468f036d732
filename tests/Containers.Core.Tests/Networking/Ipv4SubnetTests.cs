using System.Net;
using Containers.Errors;
using Containers.Networking;

namespace Containers.Core.Tests.Networking;

public sealed class Ipv4SubnetTests
{
    [Test]
    public void Parse_ASubnet_GivesGatewayBroadcastAndCapacity()
    {
        var subnet = Ipv4Subnet.Parse("10.233.7.0/24");

        Assert.That((subnet.Network.ToString(), subnet.PrefixLength, subnet.Gateway.ToString(), subnet.Broadcast.ToString(), subnet.ContainerCapacity),
            Is.EqualTo(("10.233.7.0", 24, "10.233.7.1", "10.233.7.255", 253)));
        Assert.That(subnet.ToString(), Is.EqualTo("10.233.7.0/24"));
        Assert.That(subnet.Contains(IPAddress.Parse("10.233.7.200")), Is.True);
        Assert.That(subnet.Contains(IPAddress.Parse("10.233.8.1")), Is.False);
    }

    [TestCase("10.233.0.0", "no prefix length")]
    [TestCase("10.233.0.0/33", "prefix length")]
    [TestCase("10.233.0.0/31", "prefix length")]
    [TestCase("10.233.0.0/x", "prefix length")]
    [TestCase("10.233.1.5/24", "did you mean 10.233.1.0/24")]
    [TestCase("fd00::/64", "IPv4")]
    [TestCase("10.233/16", "IPv4")]
    public void Parse_ABadSubnet_ThrowsInvalidArgumentSayingWhy(string text, string why)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => Ipv4Subnet.Parse(text));
        Assert.That(error!.Message, Does.Contain(text).And.Contain(why));
        Assert.That(Ipv4Subnet.TryParse(text, out _), Is.False);
    }
}
