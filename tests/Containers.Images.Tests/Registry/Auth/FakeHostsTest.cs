using System.Text;
using Containers.Images.Registry.Auth;

namespace Containers.Images.Tests.Registry.Auth;

/// <summary>The handler tests' common ground: fresh <see cref="FakeHosts"/> per test, a registry at <c>registry.test:5000</c>, and alice's credentials.</summary>
public abstract class FakeHostsTest
{
    protected const string Registry = "registry.test:5000";
    protected const string Base = "http://registry.test:5000";
    protected const string Scope = "repository:team/app:pull";

    protected static readonly RegistryCredential Alice = RegistryCredential.FromPassword("alice", "s3cret");
    protected static readonly string AliceBasic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:s3cret"));

    internal FakeHosts Hosts { get; private set; } = null!;

    [SetUp]
    public void CreateHosts() => Hosts = new FakeHosts();

    [TearDown]
    public async Task DisposeHosts() => await Hosts.DisposeAsync();
}
