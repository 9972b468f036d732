using System.Text;
using Containers.Errors;
using Containers.Networking;
using Containers.Networking.Netlink;
using Containers.Processes;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Networking;

/// <summary>
/// Real bridges, veths and busybox containers with their own network namespaces. Every
/// interface made here starts with one random prefix (<c>ctst</c> and four hex digits) and the
/// addresses are in 10.233.x.0/24; the fixture fails if any interface with its prefix outlives it.
/// </summary>
public sealed class BridgeNetworkTests() : NetworkContainerTest("ctst", "dotnet-containers-net-test", "n")
{
    [Test]
    public async Task Connect_TwoContainers_ReachEachOtherOverTcpAndPing()
    {
        var network = await CreateNetworkAsync("b1", out var subnet);
        Assert.That(Directory.Exists($"/sys/class/net/{network.Name}/bridge"), Is.True, "the host sees a bridge");
        Assert.That(Convert.ToInt32(File.ReadAllText($"/sys/class/net/{network.Name}/flags").Trim(), 16) & 1, Is.EqualTo(1), "the bridge is up");

        var (server, serverPid) = await CreateContainerAsync("sh", "-c", "echo hello-from-server | busybox nc -l -p 7000; exec sleep 60");
        var (client, clientPid) = await CreateContainerAsync("sleep", "60");
        var serverEnd = await network.ConnectAsync(serverPid, server, "server");
        var clientEnd = await network.ConnectAsync($"/proc/{clientPid}/ns/net", client, "client");
        await Runtime.StartAsync(server);
        await Runtime.StartAsync(client);

        Assert.That((serverEnd.Address.ToString(), clientEnd.Address.ToString()), Is.EqualTo((subnet.AddressAt(2).ToString(), subnet.AddressAt(3).ToString())));
        foreach (var end in new[] { serverEnd, clientEnd })
        {
            Assert.That(Path.GetFileName(PosixReadLink($"/sys/class/net/{end.HostInterface}/master")), Is.EqualTo(network.Name), "the host veth is on the bridge");
        }

        var (tcpExit, tcpOutput) = await ExecAsync(client, null, "sh", "-c", $"for i in $(seq 100); do busybox nc {serverEnd.Address} 7000 2>/dev/null && exit 0; sleep 0.1; done; exit 1");
        Assert.That((tcpExit, tcpOutput.Trim()), Is.EqualTo((0, "hello-from-server")));

        var (pingExit, pingOutput) = await ExecAsync(client, ["CAP_NET_RAW"], "busybox", "ping", "-c", "1", "-W", "3", serverEnd.Address.ToString());
        Assert.That(pingExit, Is.Zero, pingOutput);
        Assert.That(pingOutput, Does.Contain("1 packets received"));

        var (_, inside) = await ExecAsync(client, null, "sh", "-c", "cat /sys/class/net/eth0/address; busybox ip route; tail -n +3 /proc/net/dev | cut -d: -f1");
        var lines = inside.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines[0], Is.EqualTo(string.Join(':', clientEnd.MacAddress.GetAddressBytes().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)))));
        Assert.That(lines, Does.Contain($"default via {network.Gateway} dev eth0"));
        Assert.That(lines.Where(l => !l.Contains(' ', StringComparison.Ordinal) && !l.Contains(':', StringComparison.Ordinal)), Is.EquivalentTo(new[] { "lo", "eth0" }));

        var hosts = HostsFile.For(clientEnd, await network.GetEndpointsAsync()).ToString();
        Assert.That(hosts, Does.Contain($"{serverEnd.Address}\tserver\n").And.Contain($"{clientEnd.Address}\tclient\n"));

        Assert.ThrowsAsync<AlreadyExistsException>(() => network.ConnectAsync(clientPid, client));
        await network.DisconnectAsync(client);
        Assert.That(Directory.Exists($"/sys/class/net/{clientEnd.HostInterface}"), Is.False, "disconnect deletes the veth");
        Assert.ThrowsAsync<NotFoundException>(() => network.DisconnectAsync(client));

        await network.DeleteAsync();
        Untrack(network);
        Assert.That(OurInterfaces, Is.Empty, "delete removes the bridge and every veth it made");
    }

    [Test]
    public async Task Create_WithTheNameOfAnExistingInterface_ThrowsAlreadyExists()
    {
        var network = await CreateNetworkAsync("b2", out var subnet);
        var otherState = new BridgeNetworkOptions { StateDirectory = Path.Combine(NetworkState, "other"), VethPrefix = Prefix };

        var sameState = Assert.ThrowsAsync<AlreadyExistsException>(() => BridgeNetwork.CreateAsync(network.Name, subnet, Options()));
        var sameInterface = Assert.ThrowsAsync<AlreadyExistsException>(() => BridgeNetwork.CreateAsync(network.Name, subnet, otherState));

        Assert.That(sameState!.Message, Does.Contain(network.Name));
        Assert.That(sameInterface!.Message, Does.Contain($"interface named \"{network.Name}\""));
        Assert.That(Directory.Exists(Path.Combine(otherState.StateDirectory, network.Name)), Is.False, "a failed create leaves no state");
        Directory.Delete(otherState.StateDirectory, recursive: true);
    }

    [TestCase("this-name-is-too-long")]
    [TestCase("has space")]
    [TestCase("a/b")]
    public void Create_WithANameTheKernelWouldRefuse_ThrowsInvalidArgument(string name)
    {
        Assert.ThrowsAsync<InvalidArgumentException>(() => BridgeNetwork.CreateAsync(name, Ipv4Subnet.Parse("10.233.250.0/24"), Options()));
        Assert.ThrowsAsync<InvalidArgumentException>(() => BridgeNetwork.CreateAsync(Prefix + "x", default, Options()));
    }

    [Test]
    public async Task Connect_ANetworkNamespaceThatDoesNotExist_ThrowsNotFoundAndMakesNothing()
    {
        var network = await CreateNetworkAsync("b3", out _);

        var error = Assert.ThrowsAsync<NotFoundException>(() => network.ConnectAsync("/proc/2147483646/ns/net", "ghost"));

        Assert.That(error!.Message, Does.Contain("/proc/2147483646/ns/net"));
        Assert.That(await network.GetEndpointsAsync(), Is.Empty);
        Assert.That(OurInterfaces, Is.EqualTo(new[] { network.Name }));
    }

    [Test]
    public async Task Connect_APathThatIsNotANetworkNamespace_FailsAndUndoesTheVeth()
    {
        var network = await CreateNetworkAsync("b4", out _);

        var error = Assert.ThrowsAsync<InvalidArgumentException>(() => network.ConnectAsync("/proc/self/ns/uts", "wrong-kind"));
        Assert.That(error!.Message, Does.Contain("network namespace"));

        Assert.That(await network.GetEndpointsAsync(), Is.Empty, "the address is released");
        Assert.That(OurInterfaces, Is.EqualTo(new[] { network.Name }), "the veth pair is deleted");
    }

    [Test]
    public async Task RouteNetlink_VethMovedIntoANamespaceAndRenamed_IsSeenThereAndNotHere()
    {
        var (_, pid) = await CreateContainerAsync("sleep", "60");
        using var netns = NetworkNamespaceHandle.OfProcess(pid);
        var host = Prefix + "h";
        var peer = Prefix + "p";
        using var netlink = RouteNetlink.Open();
        netlink.CreateVeth(host, peer, mtu: 1400);
        try
        {
            netlink.MoveToNamespace(peer, netns.Fd);
            Assert.That(netlink.TryGetLink(peer), Is.Null, "the peer left the host");

            var inside = await netns.RunAsync(() =>
            {
                using var there = RouteNetlink.Open();
                there.Rename(peer, "eth7");
                there.SetUp("eth7");
                return (there.GetLink("eth7"), there.TryGetLink(host));
            });

            Assert.That((inside.Item1.Name, inside.Item1.Mtu, inside.Item1.IsUp, inside.Item1.Kind), Is.EqualTo(("eth7", 1400, true, "veth")));
            Assert.That(inside.Item2, Is.Null, "the host end is not in the container");
            Assert.That(netlink.GetLink(host).Mtu, Is.EqualTo(1400));
            Assert.That(File.ReadAllText($"/proc/{pid}/net/dev"), Does.Contain("eth7:"));
        }
        finally
        {
            netlink.Delete(host);
        }

        Assert.That(netlink.TryGetLink(host), Is.Null);
        Assert.That(File.ReadAllText($"/proc/{pid}/net/dev"), Does.Not.Contain("eth7:"), "deleting one end deletes its peer");
    }

    [Test]
    public void RouteNetlink_GetLinkOfAMissingInterface_ThrowsNotFoundNamingIt()
    {
        using var netlink = RouteNetlink.Open();

        var error = Assert.Throws<NotFoundException>(() => netlink.GetLink(Prefix + "none"));
        Assert.That(error!.Message, Does.Contain(Prefix + "none"));
        Assert.Throws<NotFoundException>(() => netlink.SetUp(Prefix + "none"));
    }

    private Task<BridgeNetwork> CreateNetworkAsync(string suffix, out Ipv4Subnet subnet)
    {
        subnet = Ipv4Subnet.Parse($"10.233.{Random.Shared.Next(100, 250)}.0/24");
        return CreateAndTrackAsync(Prefix + suffix, subnet);
    }

    /// <summary>The bridge tests ping: their containers get CAP_NET_RAW.</summary>
    private Task<(string Id, int Pid)> CreateContainerAsync(params string[] args) =>
        CreateContainerAsync(s => s with { Process = s.Process! with { Capabilities = WithNetRaw(s.Process.Capabilities!) } }, args);

    private async Task<(int Exit, string Output)> ExecAsync(string id, string[]? capabilities, params string[] args)
    {
        var caps = capabilities is null ? null : new OciCapabilities { Bounding = capabilities, Effective = capabilities, Permitted = capabilities };
        await using var exec = await Runtime.ExecAsync(id, new OciProcess { Args = args, Env = ["PATH=/bin"], Cwd = "/", Capabilities = caps }, StdioMode.Pipes);
        exec.Io.StandardInput!.Dispose();
        var output = new StreamReader(exec.Io.StandardOutput!, Encoding.UTF8).ReadToEndAsync();
        var error = new StreamReader(exec.Io.StandardError!, Encoding.UTF8).ReadToEndAsync();
        var exit = await exec.WaitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (exit.ExitCode, await output + await error);
    }

    private static OciCapabilities WithNetRaw(OciCapabilities caps) => caps with
    {
        Bounding = [.. caps.Bounding ?? [], "CAP_NET_RAW"],
        Effective = [.. caps.Effective ?? [], "CAP_NET_RAW"],
        Permitted = [.. caps.Permitted ?? [], "CAP_NET_RAW"],
    };

    private static string PosixReadLink(string path) => new FileInfo(path).LinkTarget ?? string.Empty;
}
