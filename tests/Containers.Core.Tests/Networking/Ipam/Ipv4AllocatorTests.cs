using Containers.Errors;
using Containers.Networking;
using Containers.Networking.Ipam;

namespace Containers.Core.Tests.Networking.Ipam;

public sealed class Ipv4AllocatorTests
{
    private string directory = null!;

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("ipam-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public async Task Allocate_HandsOutFromDotTwoAndReusesAReleasedAddress()
    {
        var allocator = new Ipv4Allocator(directory, Ipv4Subnet.Parse("10.233.9.0/24"));

        var a = await allocator.AllocateAsync("a", "vetha", "alpha");
        var b = await allocator.AllocateAsync("b", "vethb", null);
        var released = await allocator.ReleaseAsync("a");
        var c = await allocator.AllocateAsync("c", "vethc", null);

        Assert.That((a.Address.ToString(), b.Address.ToString(), released?.Address.ToString(), c.Address.ToString()),
            Is.EqualTo(("10.233.9.2", "10.233.9.3", "10.233.9.2", "10.233.9.2")));
        Assert.That(await allocator.ReleaseAsync("nobody"), Is.Null);
    }

    [Test]
    public async Task Allocate_IsPersistedAndSeenByAnotherAllocatorOnTheSameDirectory()
    {
        var subnet = Ipv4Subnet.Parse("10.233.9.0/24");
        await new Ipv4Allocator(directory, subnet).AllocateAsync("a", "vetha", "alpha");

        var list = await new Ipv4Allocator(directory, subnet).ListAsync();

        Assert.That(list, Is.EqualTo(new[] { new Ipv4Allocation(subnet.AddressAt(2), "a", "vetha", "alpha") }));
    }

    [Test]
    public async Task Allocate_TheSameContainerTwice_ThrowsAlreadyExists()
    {
        var allocator = new Ipv4Allocator(directory, Ipv4Subnet.Parse("10.233.9.0/24"));
        await allocator.AllocateAsync("a", "vetha", null);

        var error = Assert.ThrowsAsync<AlreadyExistsException>(() => allocator.AllocateAsync("a", "vetha", null));
        Assert.That(error!.Message, Does.Contain("\"a\"").And.Contain("10.233.9.2"));
    }

    [Test]
    public async Task Allocate_InAFullSubnet_ThrowsUnavailable()
    {
        var allocator = new Ipv4Allocator(directory, Ipv4Subnet.Parse("10.233.9.0/30"));
        var only = await allocator.AllocateAsync("a", "vetha", null);

        Assert.That(only.Address.ToString(), Is.EqualTo("10.233.9.2"));
        Assert.ThrowsAsync<UnavailableException>(() => allocator.AllocateAsync("b", "vethb", null));
    }

    [Test]
    public async Task Allocate_ConcurrentlyFromSeparateAllocators_NeverHandsOutOneAddressTwice()
    {
        var subnet = Ipv4Subnet.Parse("10.233.9.0/24");
        var allocators = Enumerable.Range(0, 4).Select(_ => new Ipv4Allocator(directory, subnet)).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(() => allocators[i % 4].AllocateAsync($"c{i}", $"veth{i}", null))));

        Assert.That(results.Select(r => r.Address).Distinct().Count(), Is.EqualTo(60));
        Assert.That(await allocators[0].ListAsync(), Has.Count.EqualTo(60));
    }
}
