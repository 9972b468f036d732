using System.Net.Sockets;
using System.Text;
using Containers.Networking;
using Containers.Networking.Ports;

namespace Containers.Core.Tests.Networking.Ports;

/// <summary>
/// The real case: a busybox container on a test bridge (prefix <c>ctsp</c> and four hex digits,
/// a subnet in 10.233.x.0/24) serves port 80, and the test reaches it only through a forwarder
/// on 127.0.0.1. The fixture fails if an interface with its prefix outlives it.
/// </summary>
public sealed class PortForwarderContainerTests() : NetworkContainerTest("ctsp", "dotnet-containers-ports-test", "p")
{
    private readonly List<PortForwarder> forwarders = [];

    /// <summary>Runs before the base teardown: forwarders go before the networks they reach.</summary>
    [TearDown]
    public async Task DisposeForwarders()
    {
        foreach (var forwarder in forwarders)
        {
            await forwarder.DisposeAsync();
        }

        forwarders.Clear();
    }

    [Test]
    public async Task Forward_LoopbackToAContainerOnABridge_TheContainerAnswersEachConnection()
    {
        var subnet = Ipv4Subnet.Parse($"10.233.{Random.Shared.Next(100, 250)}.0/24");
        var network = await CreateAndTrackAsync(Prefix + "p1", subnet);

        // A persistent server on port 80: each connection gets its own tr, which upper-cases what
        // it reads until the client's FIN, then exits and closes the connection.
        var (id, pid) = await CreateContainerAsync(null, "busybox", "nc", "-ll", "-p", "80", "-e", "/bin/tr", "a-z", "A-Z");
        var endpoint = await network.ConnectAsync(pid, id, "web");
        await Runtime.StartAsync(id);

        var logger = new RecordingLogger<PortForwarder>();
        var forwarder = await PortForwarder.StartAsync(PortBinding.Parse("127.0.0.1::80"), endpoint.Address, logger);
        forwarders.Add(forwarder);
        Assert.That(forwarder.HostEndPoint.Address.ToString(), Is.EqualTo("127.0.0.1"));
        Assert.That(forwarder.ContainerEndPoint.ToString(), Is.EqualTo($"{endpoint.Address}:80"));

        Assert.That(await AskUntilAnsweredAsync(forwarder, "hello from the host"), Is.EqualTo("HELLO FROM THE HOST"));

        var replies = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => AskUntilAnsweredAsync(forwarder, $"client {i}"))).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(replies, Is.EqualTo(Enumerable.Range(0, 10).Select(i => $"CLIENT {i}")));
        Assert.That(logger.Entries.Count(e => e.Id.Id == 5102), Is.GreaterThanOrEqualTo(11), "every answered connection was forwarded");
    }

    /// <summary>
    /// Asks again while the answer is empty: the server may not listen yet, and busybox nc listens
    /// with a backlog of 1, so under concurrent connects the kernel resets some of them (seen: one
    /// in ten, at times). Either way the forwarder passes the failure on as a dropped connection.
    /// </summary>
    private static async Task<string> AskUntilAnsweredAsync(PortForwarder forwarder, string text)
    {
        var answer = string.Empty;
        for (var deadline = DateTime.UtcNow.AddSeconds(15); answer.Length == 0 && DateTime.UtcNow < deadline; await Task.Delay(answer.Length == 0 ? 100 : 0))
        {
            answer = await AskAsync(forwarder, text);
        }

        return answer;
    }

    private static async Task<string> AskAsync(PortForwarder forwarder, string text)
    {
        using var client = await PortForwarderTests.ConnectAsync(forwarder.HostEndPoint);
        await client.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None);
        client.Shutdown(SocketShutdown.Send);
        try
        {
            return Encoding.ASCII.GetString(await PortForwarderTests.ReadToEndAsync(client).WaitAsync(TimeSpan.FromSeconds(10)));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return string.Empty;
        }
    }
}
