using System.Net;
using Containers.Images.Engine.Networking;
using Containers.Networking;

namespace Containers.Images.Tests.Engine.Networking;

/// <summary>The pure parts of engine networking: host routes, resolv.conf, hosts files and prefix overlaps.</summary>
public sealed class NetworkingFilesTests
{
    [Test]
    public void HostRoutes_ParseALine_GivesTheInterfaceAndPrefixInNetworkOrder()
    {
        var route = HostRoutes.Parse("eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0");

        Assert.That(route, Is.EqualTo(("eth0", new Ipv4Prefix(Ipv4Subnet.ToValue(IPAddress.Parse("192.0.2.0")), 24))));
        Assert.That(route!.Value.Destination.ToString(), Is.EqualTo("192.0.2.0/24"));
    }

    [Test]
    public void HostRoutes_TheDefaultRouteAndTheHeader_AreLeftOut()
    {
        Assert.Multiple(() =>
        {
            Assert.That(HostRoutes.Parse("eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0"), Is.Null);
            Assert.That(HostRoutes.Parse("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT"), Is.Null);
        });
    }

    [TestCase("10.88.0.0/16", "10.88.5.0/24", true)]
    [TestCase("10.88.5.0/24", "10.88.0.0/16", true)]
    [TestCase("10.88.0.0/24", "10.88.1.0/24", false)]
    [TestCase("192.168.0.0/30", "192.168.0.4/30", false)]
    public void Ipv4Prefix_Overlaps_WhenOneContainsTheOther(string a, string b, bool overlaps) =>
        Assert.That(Ipv4Prefix.Of(Ipv4Subnet.Parse(a)).Overlaps(Ipv4Prefix.Of(Ipv4Subnet.Parse(b))), Is.EqualTo(overlaps));

    [Test]
    public void ResolvConf_ForAContainer_DropsLoopbackAndIpv6NameserversAndKeepsTheRest()
    {
        var text = ResolvConf.ForContainer("# comment\nnameserver 127.0.0.53\nnameserver ::1\nnameserver 2001:db8::1\nnameserver 192.0.2.53\nsearch example.org\noptions ndots:2\n");

        Assert.That(text, Is.EqualTo("# comment\nnameserver 192.0.2.53\nsearch example.org\noptions ndots:2\n"));
    }

    [Test]
    public void ResolvConf_WithOnlyLoopbackNameservers_FallsBackToDockersDefaults()
    {
        var text = ResolvConf.ForContainer("nameserver 127.0.0.1\nsearch lan\n");

        Assert.That(text, Is.EqualTo("search lan\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n"));
    }

    [Test]
    public void ResolvConf_BehindSystemdResolvedsStub_ReadsItsUpstreamFile()
    {
        var dir = Directory.CreateTempSubdirectory("resolv-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "host"), "nameserver 127.0.0.53\n");
            File.WriteAllText(Path.Combine(dir, "upstream"), "nameserver 192.0.2.1\n");

            Assert.Multiple(() =>
            {
                Assert.That(ResolvConf.ReadHost(Path.Combine(dir, "host"), Path.Combine(dir, "upstream")), Is.EqualTo("nameserver 192.0.2.1\n"));
                Assert.That(ResolvConf.ReadHost(Path.Combine(dir, "host"), Path.Combine(dir, "missing")), Is.EqualTo("nameserver 127.0.0.53\n"));
                Assert.That(ResolvConf.ReadHost(Path.Combine(dir, "missing"), Path.Combine(dir, "upstream")), Is.Empty);
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Hosts_ListsItselfThenPeersByAddress_AndLeavesOutInvalidNames()
    {
        var text = ContainerEtcFiles.Hosts(
            IPAddress.Parse("10.0.0.3"),
            ["web", "web", "my_web"],
            [(IPAddress.Parse("10.0.0.10"), ["late"]), (IPAddress.Parse("10.0.0.2"), ["db", "bad name"]), (IPAddress.Parse("10.0.0.4"), [])]);

        Assert.That(text, Is.EqualTo("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n10.0.0.3\tweb my_web\n10.0.0.2\tdb\n10.0.0.10\tlate\n"));
    }

    [Test]
    public async Task RewriteInPlace_KeepsTheInodeAndReplacesAllTheText()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "a much longer first text\n");
            var inode = Containers.Linux.PosixFs.StatAt(null, path).Inode;

            await ContainerEtcFiles.RewriteInPlaceAsync(path, "short\n", CancellationToken.None);

            Assert.Multiple(async () =>
            {
                Assert.That(await File.ReadAllTextAsync(path), Is.EqualTo("short\n"));
                Assert.That(Containers.Linux.PosixFs.StatAt(null, path).Inode, Is.EqualTo(inode));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }
}
