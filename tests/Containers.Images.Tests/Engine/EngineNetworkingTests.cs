using System.Net;
using System.Net.Sockets;
using System.Text;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Images.Engine.Networking;
using Containers.Networking;
using Containers.Networking.Ports;
using Containers.Runtime;

namespace Containers.Images.Tests.Engine;

/// <summary>
/// The engine's networking end to end, on bridges each test makes: every interface here starts
/// with one random prefix (<c>ctne</c> and four hex digits), subnets are free /24s of
/// 10.236.0.0/16, and after each test every container and network is removed and the test
/// fails if an interface with the prefix is left. Only 127.0.0.1 and the test's own bridges are
/// ever talked to.
/// </summary>
public sealed class EngineNetworkingTests : EngineTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private string NetworksRoot => Path.Combine(Root, "networks");

    protected override bool UsesBridges => true;

    [Test]
    public async Task TwoContainers_OnACreatedBridge_ReachEachOtherByNameAndAlias()
    {
        var network = await CreateNetworkAsync("a");

        // alpha serves on 7000, then waits for beta to show up in its hosts file (rewritten in
        // place when beta joins) and pings it by name.
        var alpha = await Engine.RunAsync(Spec(
            "sh", "-c",
            "nc -ll -p 7000 -e /bin/echo hi-from-alpha & "
            + "for i in $(seq 200); do grep -q beta /etc/hosts && break; sleep 0.1; done; "
            + "ping -c 1 -W 5 beta >/dev/null && echo alpha-reached-beta; wait") with { Name = "alpha", Network = network.Name, NetworkAliases = ["db"] });
        // beta stays up, so that alpha finds it.
        var beta = await Engine.RunAsync(Spec(
            "sh", "-c",
            "cat /etc/hosts; for i in $(seq 100); do nc db 7000 2>/dev/null | grep hi-from-alpha && break; sleep 0.1; done; exec sleep 60") with { Name = "beta", Network = network.Name });
        await WaitForLogAsync(beta.Id, "hi-from-alpha");
        await WaitForLogAsync(alpha.Id, "alpha-reached-beta");
        var betaLog = await LogTextAsync(beta.Id);

        Assert.Multiple(() =>
        {
            Assert.That(betaLog, Does.Contain($"{alpha.IPAddress}\talpha db\n"), "beta's hosts file names alpha and its alias");
            Assert.That(betaLog, Does.Contain($"{beta.IPAddress}\t{beta.Id[..12]} beta\n"), "and beta itself, by hostname and name");
            Assert.That(alpha.Network, Is.EqualTo(network.Name));
            Assert.That(network.Subnet.Contains(alpha.IPAddress!), Is.True, $"{alpha.IPAddress} is in {network.Subnet}");
        });
    }

    [Test]
    public async Task HostsFiles_AreRewrittenInPlaceAsPeersJoinAndLeave()
    {
        var network = await CreateNetworkAsync("h");
        var first = await Engine.CreateAsync(Spec("sleep", "60") with { Name = "first", Hostname = "first-host", Network = network.Name });
        var hostsPath = Path.Combine(Root, "containers", first.Id, "hosts");
        var inode = Inode(hostsPath);
        var alone = await File.ReadAllTextAsync(hostsPath);

        var second = await Engine.CreateAsync(Spec("sleep", "60") with { Name = "second", Network = network.Name, NetworkAliases = ["cache"] });
        var together = await File.ReadAllTextAsync(hostsPath);
        await Engine.RemoveAsync(second.Id, force: true);
        var afterLeave = await File.ReadAllTextAsync(hostsPath);

        Assert.Multiple(() =>
        {
            Assert.That(alone, Does.StartWith("127.0.0.1\tlocalhost\n").And.Contain($"{first.IPAddress}\tfirst-host first\n").And.Not.Contain("second"));
            Assert.That(together, Does.Contain($"{second.IPAddress}\tsecond cache\n"));
            Assert.That(afterLeave, Is.EqualTo(alone));
            Assert.That(Inode(hostsPath), Is.EqualTo(inode), "rewritten in place, so the bind mount still shows it");
        });
    }

    [Test]
    public async Task PublishedPort_OnARandomHostPort_IsReachedOverLoopback()
    {
        var network = await CreateNetworkAsync("p");

        var info = await Engine.RunAsync(Spec("nc", "-ll", "-p", "80", "-e", "/bin/echo", "hi") with { Network = network.Name, Ports = [PortBinding.Parse("127.0.0.1::80")] });
        var endPoint = info.GetHostEndPoint(80);
        var reply = await AskUntilAnsweredAsync(endPoint);

        Assert.Multiple(() =>
        {
            Assert.That(reply, Is.EqualTo("hi\n"));
            Assert.That(endPoint.Address, Is.EqualTo(IPAddress.Loopback));
            Assert.That(endPoint.Port, Is.Not.Zero, "the kernel's choice, not the 0 asked for");
            Assert.That(info.Ports.Single(), Is.EqualTo(new PublishedPort(80, PortProtocol.Tcp, endPoint)));
            Assert.Throws<NotFoundException>(() => info.GetHostEndPoint(81));
        });
    }

    [Test]
    public async Task Remove_LeavesNoVethNoAddressAndNoForwarder()
    {
        var network = await CreateNetworkAsync("r");
        var info = await Engine.RunAsync(Spec("nc", "-ll", "-p", "80", "-e", "/bin/echo", "hi") with { Network = network.Name, Ports = [new PortBinding(80)] });
        var endPoint = info.GetHostEndPoint(80);
        Assert.That(await AskUntilAnsweredAsync(endPoint), Is.EqualTo("hi\n"));
        var veth = (await Engine.InspectNetworkAsync(network.Name)).Containers.Single().HostInterface;
        Assert.That(Directory.Exists($"/sys/class/net/{veth}"), Is.True);

        await Engine.RemoveAsync(info.Id, force: true);

        Assert.Multiple(async () =>
        {
            Assert.That(Directory.Exists($"/sys/class/net/{veth}"), Is.False, "the veth is gone");
            Assert.That((await Engine.InspectNetworkAsync(network.Name)).Containers, Is.Empty, "the address is released");
            Assert.That(await File.ReadAllTextAsync(Path.Combine(NetworksRoot, network.BridgeName, "allocations")), Is.Empty);
            Assert.That(IsListening(endPoint), Is.False, "the forwarder is closed");
        });
    }

    [Test]
    public async Task Exit_StopsTheForwarderAndReleasesTheAddress()
    {
        var network = await CreateNetworkAsync("x");
        var info = await Engine.RunAsync(Spec("sleep", "60") with { Network = network.Name, Ports = [new PortBinding(80)] });
        var endPoint = info.GetHostEndPoint(80);
        Assert.That(IsListening(endPoint), Is.True);

        await Engine.KillAsync(info.Id);
        await Engine.WaitAsync(info.Id);
        var stopped = await Engine.InspectAsync(info.Id);

        Assert.Multiple(async () =>
        {
            Assert.That(stopped.Ports, Is.Empty);
            Assert.That(stopped.IPAddress, Is.Null);
            Assert.That(stopped.Network, Is.EqualTo(network.Name));
            Assert.That(IsListening(endPoint), Is.False);
            Assert.That((await Engine.InspectNetworkAsync(network.Name)).Containers, Is.Empty);
        });
    }

    [Test]
    public async Task StartAgain_AfterAnExit_GetsAnAddressAndItsPortsBack()
    {
        var network = await CreateNetworkAsync("s");
        var info = await Engine.RunAsync(Spec("nc", "-ll", "-p", "80", "-e", "/bin/echo", "again") with { Network = network.Name, Ports = [new PortBinding(80)] });
        await Engine.KillAsync(info.Id);
        await Engine.WaitAsync(info.Id);

        await Engine.StartAsync(info.Id);
        var restarted = await Engine.InspectAsync(info.Id);

        Assert.Multiple(async () =>
        {
            Assert.That(restarted.IPAddress, Is.Not.Null, "attached again when the runtime container was made again");
            Assert.That(network.Subnet.Contains(restarted.IPAddress!), Is.True);
            Assert.That(await AskUntilAnsweredAsync(restarted.GetHostEndPoint(80)), Is.EqualTo("again\n"), "its port is published again");
        });
    }

    [Test]
    public async Task HostNetwork_SeesTheHostsInterfacesAndIgnoresPorts()
    {
        var network = await CreateNetworkAsync("o");

        var result = await RunToEndAsync(Spec("sh", "-c", "cat /proc/net/dev; hostname") with { Network = "host", Ports = [new PortBinding(80)] });

        Assert.Multiple(() =>
        {
            Assert.That(result.Status.ExitCode, Is.Zero, result.Log);
            Assert.That(result.Log, Does.Contain($"{network.BridgeName}:"), "the host's bridge, made by this test, is visible");
            Assert.That(result.Log.TrimEnd().Split('\n')[^1], Is.EqualTo(File.ReadAllText("/proc/sys/kernel/hostname").Trim()));
            Assert.That(result.Info.Ports, Is.Empty);
            Assert.That(result.Info.Network, Is.EqualTo("host"));
        });
    }

    [Test]
    public async Task NoneNetwork_HasOnlyLoopbackAndItsOwnEtcFiles()
    {
        var result = await RunToEndAsync(Spec("sh", "-c", "ls /sys/class/net; cat /etc/hostname /etc/hosts") with { Network = "none", Hostname = "lonely" });

        Assert.Multiple(() =>
        {
            Assert.That(result.Log, Does.StartWith("lo\nlonely\n127.0.0.1\tlocalhost\n"));
            Assert.That(result.Info.IPAddress, Is.Null);
            Assert.That(result.Info.Network, Is.EqualTo("none"));
        });
    }

    [Test]
    public async Task BridgeNetwork_ResolvConf_HasNoLoopbackNameserver()
    {
        var network = await CreateNetworkAsync("n");

        var result = await RunToEndAsync(Spec("cat", "/etc/resolv.conf") with { Network = network.Name });

        Assert.Multiple(() =>
        {
            Assert.That(result.Log, Does.Contain("nameserver "));
            Assert.That(result.Log, Does.Not.Contain("nameserver 127.").And.Not.Contain("nameserver ::1"));
        });
    }

    [Test]
    public async Task RemoveNetwork_WithAContainerAttached_IsAConflictUntilItIsRemoved()
    {
        var network = await CreateNetworkAsync("c");
        var info = await Engine.CreateAsync(Spec("sleep", "60") with { Name = "attached", Network = network.Name });

        var error = Assert.ThrowsAsync<ConflictException>(() => Engine.RemoveNetworkAsync(network.Name));
        await Engine.RemoveAsync(info.Id, force: true);
        await Engine.RemoveNetworkAsync(network.Name);

        Assert.Multiple(async () =>
        {
            Assert.That(error!.Message, Does.Contain("attached").And.Contain("attached (attached)"));
            Assert.That(Directory.Exists($"/sys/class/net/{network.BridgeName}"), Is.False, "the bridge is gone");
            Assert.That(await Engine.ListNetworksAsync(), Is.Empty);
            Assert.ThrowsAsync<NotFoundException>(() => Engine.InspectNetworkAsync(network.Name));
        });
    }

    [Test]
    public async Task CreateNetwork_WithoutASubnet_TakesTheFreeSlashTwentyFoursOfThePool()
    {
        var first = Ipv4Subnet.Parse($"{Bridges.Pool.Network}/24");
        await CreateNetworkAsync("1", first);

        var picked = await Engine.CreateNetworkAsync(Bridges.Prefix + "-2", new NetworkCreateOptions { BridgeName = Bridges.Prefix + "2" });
        var full = Assert.ThrowsAsync<UnavailableException>(() => Engine.CreateNetworkAsync(Bridges.Prefix + "-3", new NetworkCreateOptions { BridgeName = Bridges.Prefix + "3" }));

        Assert.Multiple(async () =>
        {
            Assert.That(picked.Subnet.PrefixLength, Is.EqualTo(24));
            Assert.That(Bridges.Pool.Contains(picked.Subnet.Network) && !first.Contains(picked.Subnet.Network), Is.True, $"{picked.Subnet} is the pool's other /24");
            Assert.That(full!.Message, Does.Contain(Bridges.Pool.ToString()));
            Assert.That((await Engine.ListNetworksAsync()).Select(n => n.Name), Is.EqualTo(new[] { Bridges.Prefix + "-1", Bridges.Prefix + "-2" }));
        });
    }

    [Test]
    public async Task DefaultBridge_IsMadeOnFirstUseStaysAfterItsContainersAndCanBeRemoved()
    {
        Assert.ThrowsAsync<NotFoundException>(() => Engine.InspectNetworkAsync("bridge"));

        var info = await Engine.CreateAsync(Spec("true") with { Network = "bridge" });
        await Engine.RemoveAsync(info.Id);
        var bridge = await Engine.InspectNetworkAsync("bridge");
        var stayed = Directory.Exists($"/sys/class/net/{Bridges.Prefix}d");
        await Engine.RemoveNetworkAsync("bridge");

        Assert.Multiple(() =>
        {
            Assert.That(info.Network, Is.EqualTo("bridge"));
            Assert.That(Bridges.DefaultSubnet.Contains(info.IPAddress!), Is.True);
            Assert.That(bridge.BridgeName, Is.EqualTo(Bridges.Prefix + "d"));
            Assert.That(bridge.Subnet, Is.EqualTo(Bridges.DefaultSubnet));
            Assert.That(bridge.Containers, Is.Empty);
            Assert.That(stayed, Is.True, "the default bridge stays after its containers, as docker0 does");
            Assert.That(Directory.Exists($"/sys/class/net/{Bridges.Prefix}d"), Is.False, "until it is removed");
            Assert.ThrowsAsync<InvalidArgumentException>(() => Engine.RemoveNetworkAsync("host"));
        });
    }

    [Test]
    public async Task CreateNetwork_OnABridgeNameInUse_IsAlreadyExists()
    {
        var network = await CreateNetworkAsync("u");

        var ours = Assert.ThrowsAsync<AlreadyExistsException>(() => Engine.CreateNetworkAsync(Bridges.Prefix + "-other", new NetworkCreateOptions { BridgeName = network.BridgeName, Subnet = Bridges.FreeSubnet(24) }));
        var hosts = Assert.ThrowsAsync<AlreadyExistsException>(() => Engine.CreateNetworkAsync(Bridges.Prefix + "-other", new NetworkCreateOptions { BridgeName = "lo", Subnet = Bridges.FreeSubnet(24) }));

        Assert.Multiple(async () =>
        {
            Assert.That(ours!.Message, Does.Contain($"belongs to network \"{network.Name}\""));
            Assert.That(hosts!.Message, Does.Contain("interface named \"lo\" exists already"));
            Assert.That((await Engine.ListNetworksAsync()).Select(n => n.Name), Is.EqualTo(new[] { network.Name }));
        });
    }

    [Test]
    public async Task ANewEngine_ReleasesTheAddressesOfContainersGoneFromTheRuntime()
    {
        var network = await CreateNetworkAsync("g");
        var info = await Engine.CreateAsync(Spec("sleep", "60") with { Network = network.Name });
        var veth = (await Engine.InspectNetworkAsync(network.Name)).Containers.Single().HostInterface;

        // The container dies behind the engine's back, as with an engine whose process was killed.
        await Runtime.DeleteAsync(info.Id, force: true);
        await ReopenEngineAsync();

        Assert.Multiple(async () =>
        {
            Assert.That((await Engine.InspectNetworkAsync(network.Name)).Containers, Is.Empty);
            Assert.That(Directory.Exists($"/sys/class/net/{veth}"), Is.False);
            Assert.That((await Engine.InspectAsync(info.Id)).IPAddress, Is.Null);
        });
    }

    [Test]
    public async Task ANewEngine_ServesThePortsOfAContainerStillRunningAgain()
    {
        var network = await CreateNetworkAsync("s");
        var info = await Engine.RunAsync(Spec("nc", "-ll", "-p", "80", "-e", "/bin/echo", "again") with { Network = network.Name, Ports = [new PortBinding(80)] });
        var endPoint = info.GetHostEndPoint(80);
        Assert.That(await AskUntilAnsweredAsync(endPoint), Is.EqualTo("again\n"));

        // The old engine's forwarders close with it; the container runs on in this process.
        await ReopenEngineAsync();
        await Engine.ListNetworksAsync();
        var reopened = await Engine.InspectAsync(info.Id);

        Assert.Multiple(async () =>
        {
            Assert.That(reopened.Status, Is.EqualTo(ContainerStatus.Running));
            Assert.That(reopened.GetHostEndPoint(80), Is.EqualTo(endPoint));
            Assert.That(reopened.IPAddress, Is.EqualTo(info.IPAddress));
            Assert.That(await AskUntilAnsweredAsync(endPoint), Is.EqualTo("again\n"));
        });
    }

    [Test]
    public async Task BadNetworkSettings_AreClearErrorsThatLeaveNothing()
    {
        var network = await CreateNetworkAsync("e");
        // The last /30 of a host route: were the check missing, the gateway and the host's own address stay untouched.
        var hostRoute = HostRoutes.Read().First(r => r.Destination.Length <= 29 && !r.Interface.StartsWith(Bridges.Prefix, StringComparison.Ordinal));
        var routed = Ipv4Subnet.Parse($"{Ipv4Subnet.ToAddress(hostRoute.Destination.Network + ~hostRoute.Destination.Mask - 3)}/30");

        Assert.Multiple(() =>
        {
            Assert.That(Assert.ThrowsAsync<NotFoundException>(() => Engine.CreateAsync(Spec() with { Network = "no-such-net" }))!.Message, Does.Contain("\"no-such-net\" does not exist"));
            Assert.That(Assert.ThrowsAsync<InvalidArgumentException>(() => Engine.CreateAsync(Spec() with { Network = "none", Ports = [new PortBinding(80)] }))!.Message, Does.Contain("need a bridge network"));
            Assert.That(Assert.ThrowsAsync<InvalidArgumentException>(() => Engine.CreateAsync(Spec() with { Network = network.Name, Ports = [new PortBinding(53, protocol: PortProtocol.Udp)] }))!.Message, Does.Contain("UDP"));
            Assert.That(Assert.ThrowsAsync<InvalidArgumentException>(() => Engine.CreateAsync(Spec() with { Network = "none", NetworkAliases = ["x"] }))!.Message, Does.Contain("need a bridge network"));
            Assert.That(Assert.ThrowsAsync<InvalidArgumentException>(() => Engine.CreateAsync(Spec() with { Network = network.Name, NetworkAliases = ["bad alias"] }))!.Message, Does.Contain("\"bad alias\""));
            Assert.That(Assert.ThrowsAsync<ConflictException>(() => CreateNetworkAsync("f", Ipv4Subnet.Parse($"{network.Subnet.Network}/25")))!.Message, Does.Contain($"overlaps network \"{network.Name}\""));
            Assert.That(Assert.ThrowsAsync<ConflictException>(() => CreateNetworkAsync("f", routed))!.Message, Does.Contain($"on interface \"{hostRoute.Interface}\""));
            Assert.That(Assert.ThrowsAsync<AlreadyExistsException>(() => Engine.CreateNetworkAsync(network.Name, new NetworkCreateOptions { BridgeName = Bridges.Prefix + "f" }))!.Message, Does.Contain("exists already"));
            Assert.ThrowsAsync<InvalidArgumentException>(() => Engine.CreateNetworkAsync("host"));
            Assert.ThrowsAsync<InvalidArgumentException>(() => Engine.CreateNetworkAsync("-bad"));
            Assert.ThrowsAsync<NotFoundException>(() => Engine.RemoveNetworkAsync("no-such-net"));
        });

        Assert.That(Directory.GetDirectories(Path.Combine(Root, "containers")), Is.Empty, "a refused container leaves nothing");
        Assert.That((await Engine.ListNetworksAsync()).Select(n => n.Name), Is.EqualTo(new[] { network.Name }), "a refused network leaves nothing");
    }

    private static async Task<string> AskUntilAnsweredAsync(IPEndPoint endPoint)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await client.ConnectAsync(endPoint);
                var buffer = new byte[256];
                var text = new StringBuilder();
                int read;
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                while ((read = await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
                {
                    text.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                if (text.Length > 0)
                {
                    return text.ToString();
                }
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                // The server in the container is not listening yet; the forwarder drops the connection.
            }

            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"{endPoint} never answered");
            await Task.Delay(100);
        }
    }

    private static bool IsListening(IPEndPoint endPoint)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            client.Connect(endPoint);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }
    }

    private static ulong Inode(string path) => Containers.Linux.PosixFs.StatAt(null, path, followSymlinks: true).Inode;
}
