using Containers.Cgroups;
using Containers.Core.Tests.Runtime;
using Containers.Errors;
using Containers.Networking;
using Containers.Networking.Netlink;
using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Builtin;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Networking;

/// <summary>
/// Real bridges and busybox containers with their own network namespaces, made and removed by
/// each test. Every interface a fixture makes starts with one random prefix (<paramref name="prefixLetters"/>
/// and four hex digits), the containers' cgroups sit under <paramref name="cgroupParent"/>, and the
/// fixture fails if an interface with its prefix outlives it.
/// </summary>
public abstract class NetworkContainerTest(string prefixLetters, string cgroupParent, string idPrefix)
{
    private readonly List<(string Id, TestBundle Bundle)> containers = [];
    private readonly List<BridgeNetwork> networks = [];
    private string stateRoot = null!;

    protected string Prefix { get; } = $"{prefixLetters}{Random.Shared.Next(0x10000):x4}";

    protected BuiltinRuntime Runtime { get; private set; } = null!;

    protected string NetworkState { get; private set; } = null!;

    protected IEnumerable<string> OurInterfaces =>
        Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).Where(n => n!.StartsWith(Prefix, StringComparison.Ordinal))!;

    [SetUp]
    public void CreateRuntime()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore("needs root: bridges, veths and network namespaces");
        }

        stateRoot = Directory.CreateTempSubdirectory("net-runtime-").FullName;
        NetworkState = Directory.CreateTempSubdirectory("net-state-").FullName;
        Runtime = new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = stateRoot });
    }

    [TearDown]
    public async Task DeleteWhatTheTestMade()
    {
        if (Runtime is null)
        {
            return;
        }

        foreach (var network in networks)
        {
            await network.DeleteAsync();
        }

        foreach (var (id, bundle) in containers)
        {
            try
            {
                await Runtime.DeleteAsync(id, force: true);
            }
            catch (NotFoundException)
            {
            }

            bundle.Dispose();
        }

        networks.Clear();
        containers.Clear();
        await Runtime.DisposeAsync();
        Directory.Delete(stateRoot, recursive: true);
        var leftState = Directory.GetFileSystemEntries(NetworkState);
        Directory.Delete(NetworkState, recursive: true);
        Assert.That(leftState, Is.Empty, "a network's state outlived its delete");
    }

    /// <summary>The sweep: removes any interface with this fixture's prefix, and fails if there was one.</summary>
    [OneTimeTearDown]
    public async Task NoInterfaceWithThePrefixRemains()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return;
        }

        var leaked = OurInterfaces.ToArray();
        using (var netlink = RouteNetlink.Open())
        {
            foreach (var name in leaked)
            {
                _ = netlink.TryDelete(name);
            }
        }

        using (var parent = Cgroup.Open(CgroupLayout.Current, CgroupPath.Parse(cgroupParent)))
        {
            await parent.DeleteAsync(TimeSpan.FromSeconds(5));
        }

        Assert.That(leaked, Is.Empty, $"interfaces leaked by {GetType().Name}");
    }

    protected BridgeNetworkOptions Options() => new() { StateDirectory = NetworkState, VethPrefix = Prefix };

    /// <summary>Makes a network that the teardown deletes.</summary>
    protected async Task<BridgeNetwork> CreateAndTrackAsync(string name, Ipv4Subnet subnet)
    {
        var network = await BridgeNetwork.CreateAsync(name, subnet, Options());
        networks.Add(network);
        return network;
    }

    /// <summary>For a test that deleted the network itself.</summary>
    protected void Untrack(BridgeNetwork network) => networks.Remove(network);

    /// <summary>Creates (not starts) a busybox container with a new network namespace; the teardown deletes it.</summary>
    protected async Task<(string Id, int Pid)> CreateContainerAsync(Func<OciSpec, OciSpec>? configure, params string[] args)
    {
        var id = $"{idPrefix}-{Guid.NewGuid():N}"[..20];
        var bundle = TestBundle.Create(
            s => (configure ?? (x => x))(s with
            {
                Linux = s.Linux! with
                {
                    CgroupsPath = $"{cgroupParent}/{id}",
                    Namespaces = [.. s.Linux.Namespaces!, new OciNamespace { Type = "network" }],
                },
            }),
            args);
        containers.Add((id, bundle));
        await using var created = await Runtime.CreateAsync(new ContainerCreateRequest(id, bundle.Path) { Stdio = StdioMode.Null, DieWithOwner = true });
        return (id, created.Pid);
    }
}
