namespace Containers.Images.Tests.Build;

/// <summary>RUN steps on the engine's default bridge (this fixture's own), when the build asks for it.</summary>
public sealed class BuildBridgeTests : BuildTest
{
    protected override bool UsesBridges => true;

    [Test]
    public async Task Run_OnTheBridge_GetsAnAddressOnTheBridgesSubnet_AndLetsItGoAfter()
    {
        var context = Context(("Dockerfile", "FROM busybox\nRUN ip -4 addr show eth0 | grep inet > /address\n"));

        var result = await BuildAsync(context, configure: r => r with { Network = "bridge" });
        var (_, address) = await RunImageAsync(result.Image, "cat", "/address");
        var network = (await Engine.InspectNetworkAsync("bridge")).Containers;

        Assert.Multiple(() =>
        {
            Assert.That(address, Does.Contain(Bridges.DefaultSubnet.ToString().Split('.')[0] + "." + Bridges.DefaultSubnet.ToString().Split('.')[1] + "."));
            Assert.That(network, Is.Empty, "the step's endpoint went with the step");
        });
    }
}
