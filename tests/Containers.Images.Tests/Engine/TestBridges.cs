using Containers.Images.Engine;
using Containers.Images.Engine.Networking;
using Containers.Networking;

namespace Containers.Images.Tests.Engine;

/// <summary>
/// The bridges of one engine test fixture: every interface it makes starts with one random
/// prefix (<c>ctne</c> and four hex digits), subnets are free /24s of 10.236.0.0/16 (the pool a
/// /23 of it), and after each test every network goes and any interface with the prefix left is
/// reported. Only 127.0.0.1 and these bridges are ever talked to.
/// </summary>
public sealed class TestBridges
{
    private readonly HashSet<int> _usedOctets = [];
    private Ipv4Subnet _pool;
    private Ipv4Subnet _defaultSubnet;

    /// <summary>The start of every interface name: bridges, veths and the default bridge (<c>Prefix + "d"</c>).</summary>
    public string Prefix { get; } = $"ctne{Random.Shared.Next(0x10000):x4}";

    /// <summary>The pool of created networks without a subnet of their own.</summary>
    public Ipv4Subnet Pool => EnsureSubnets()._pool;

    /// <summary>The subnet of the engine's default bridge.</summary>
    public Ipv4Subnet DefaultSubnet => EnsureSubnets()._defaultSubnet;

    /// <summary>Host interfaces with the prefix.</summary>
    public IEnumerable<string> Interfaces =>
        Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).Where(n => n!.StartsWith(Prefix, StringComparison.Ordinal))!;

    /// <summary><paramref name="options"/> with the prefix for veths and the default bridge, and this fixture's subnets.</summary>
    public EngineOptions Apply(EngineOptions options)
    {
        options.VethPrefix = Prefix;
        options.DefaultBridgeInterface = Prefix + "d";
        options.DefaultBridgeSubnet = DefaultSubnet;
        options.NetworkPool = Pool;
        return options;
    }

    /// <summary>A network named and bridged <c>Prefix-suffix</c> / <c>Prefix+suffix</c>, on a free /24 unless given one.</summary>
    public Task<NetworkInfo> CreateNetworkAsync(ContainerEngine engine, string suffix, Ipv4Subnet? subnet = null) =>
        engine.CreateNetworkAsync($"{Prefix}-{suffix}", new NetworkCreateOptions { BridgeName = Prefix + suffix, Subnet = subnet ?? FreeSubnet(24) });

    /// <summary>A random /23 or /24 of 10.236.0.0/16 that no host route and no earlier call of this fixture uses.</summary>
    public Ipv4Subnet FreeSubnet(int prefixLength)
    {
        var routes = HostRoutes.Read();
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var octet = Random.Shared.Next(0, 256) & ~((1 << (24 - prefixLength)) - 1);
            var candidate = Ipv4Subnet.Parse($"10.236.{octet}.0/{prefixLength}");
            var octets = Enumerable.Range(octet, 1 << (24 - prefixLength)).ToArray();
            if (!routes.Any(r => r.Destination.Overlaps(Ipv4Prefix.Of(candidate))) && !octets.Any(_usedOctets.Contains))
            {
                _usedOctets.UnionWith(octets);
                return candidate;
            }
        }

        throw new InvalidOperationException("no free subnet in 10.236.0.0/16");
    }

    /// <summary>Removes every network of <paramref name="engine"/> (whose containers are gone), then any interface with the prefix; returns the names of those that were left.</summary>
    public async Task<string[]> RemoveAllAsync(ContainerEngine engine)
    {
        foreach (var network in await engine.ListNetworksAsync())
        {
            await engine.RemoveNetworkAsync(network.Name);
        }

        var leaked = Interfaces.ToArray();
        using var netlink = Containers.Networking.Netlink.RouteNetlink.Open();
        foreach (var name in leaked)
        {
            _ = netlink.TryDelete(name);
        }

        return leaked;
    }

    private TestBridges EnsureSubnets()
    {
        if (_pool == default)
        {
            _pool = FreeSubnet(23);
            _defaultSubnet = FreeSubnet(24);
        }

        return this;
    }
}
