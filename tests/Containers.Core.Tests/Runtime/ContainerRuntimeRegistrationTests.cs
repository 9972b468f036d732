using Containers.Runtime;
using Containers.Runtime.Builtin;
using Containers.Runtime.Oci;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Core.Tests.Runtime;

public sealed class ContainerRuntimeRegistrationTests
{
    [Test]
    public async Task AddContainerRuntime_DefaultIsTheBuiltinRuntime_WithItsOptions()
    {
        await using var provider = new ServiceCollection()
            .AddContainerRuntime(o => o.StateRoot = "/run/test-state")
            .BuildServiceProvider();

        var runtime = provider.GetRequiredService<IContainerRuntime>();

        Assert.That(runtime, Is.InstanceOf<BuiltinRuntime>());
        Assert.That(runtime, Is.SameAs(provider.GetRequiredService<BuiltinRuntime>()));
        Assert.That(provider.GetRequiredKeyedService<IContainerRuntime>("builtin"), Is.SameAs(runtime));
        Assert.That(provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<BuiltinRuntimeOptions>>().Value.StateRoot, Is.EqualTo("/run/test-state"));
    }

    [Test]
    public async Task AddOciCliRuntime_RuncAndCrun_ResolveByNameAndLeaveTheDefault()
    {
        await using var provider = new ServiceCollection()
            .AddOciCliRuntime("runc", o => o.Root = "/run/test-runc")
            .AddOciCliRuntime("crun", o => o.BinaryPath = "/opt/crun")
            .AddContainerRuntime()
            .BuildServiceProvider();

        var runc = provider.GetRequiredKeyedService<IContainerRuntime>("runc");
        var crun = provider.GetRequiredKeyedService<IContainerRuntime>("crun");

        Assert.That(provider.GetRequiredService<IContainerRuntime>(), Is.InstanceOf<BuiltinRuntime>());
        Assert.That(runc, Is.InstanceOf<OciCliRuntime>());
        Assert.That(runc.Name, Is.EqualTo("runc"));
        Assert.That(crun.Name, Is.EqualTo("crun"));
        Assert.That(((OciCliRuntime)crun).BinaryPath, Is.EqualTo("/opt/crun"));
        Assert.That(provider.GetKeyedServices<IContainerRuntime>(KeyedService.AnyKey).Select(r => r.Name).Distinct(),
            Is.EquivalentTo(new[] { "builtin", "runc", "crun" }));
    }

    [Test]
    public void OciCliRuntimeOptions_Defaults_AreOursNeverRuncs()
    {
        var options = new OciCliRuntimeOptions { Name = "crun" };

        Assert.That(options.EffectiveRoot, Does.EndWith("dotnet-containers-crun").And.Not.EqualTo("/run/crun"));
        Assert.That(options.EffectiveStateRoot, Does.EndWith("dotnet-containers-crun-shims"));
        Assert.That(Path.GetFileName(options.EffectiveBinaryPath), Is.EqualTo("crun"));
    }
}
