using System.Net;
using System.Net.Sockets;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Images.Testing;

namespace Containers.Images.Tests.Testing;

/// <summary>
/// Published ports, and the port and HTTP waits through them, reached over 127.0.0.1 only; the
/// containers are on the fixture's default bridge or on networks the tests make.
/// </summary>
public sealed class PublishedPortTests : ThrowawayContainerTest
{
    protected override bool UsesBridges => true;

    protected override EngineOptions CreateOptions()
    {
        var options = base.CreateOptions();
        options.DefaultNetwork = "bridge";
        return options;
    }

    [Test]
    public async Task WithNetworkAndAliases_LetContainersOnIt_ReachEachOtherByAlias()
    {
        var network = await CreateNetworkAsync("t");
        var builder = Builder().WithNetwork(network.Name);
        await using var server = builder
            .WithName("server")
            .WithNetworkAliases("db", "store")
            .WithCommand("nc", "-ll", "-p", "7000", "-e", "echo", "hi-from-server")
            .WithWaitStrategy(Wait.ForPort(7000))
            .Build();
        await StartAsync(server);
        await using var client = builder
            .WithCommand("sh", "-c", "nc store 7000; exec sleep 60")
            .WithWaitStrategy(Wait.ForLogMessage("hi-from-server"))
            .Build();

        await StartAsync(client);

        Assert.Multiple(() =>
        {
            Assert.That(server.IPAddress, Is.Not.Null);
            Assert.That(network.Subnet.Contains(server.IPAddress!), Is.True, $"{server.IPAddress} is in {network.Subnet}");
        });
    }
    [Test]
    public async Task ForHttp_PassesOnceBusyboxHttpdServesAndTheMappedPortReachesIt()
    {
        await using var web = Builder()
            .WithCommand("sh", "-c", "mkdir -p /www; echo hello > /www/index.html; sleep 1; exec httpd -f -p 8080 -h /www")
            .WithPortBinding(8080)
            .WithWaitStrategy(Wait.ForHttp("/", 8080))
            .Build();

        await StartAsync(web);

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var body = await http.GetStringAsync(new Uri($"http://{web.Hostname}:{web.GetMappedPort(8080)}/index.html"));
        Assert.Multiple(() =>
        {
            Assert.That(body, Is.EqualTo("hello\n"));
            Assert.That(web.GetMappedPort(8080), Is.Not.EqualTo(8080).And.GreaterThan(0));
            Assert.That(web.IPAddress, Is.Not.Null, "a container with published ports is on a bridge");
        });
    }

    [Test]
    public async Task ForHttp_WithAnotherStatus_WaitsForThatStatus()
    {
        await using var web = Builder()
            .WithCommand("sh", "-c", "mkdir -p /www; exec httpd -f -p 8080 -h /www")
            .WithPortBinding(8080)
            .WithWaitStrategy(Wait.ForHttp("/missing", 8080, HttpStatusCode.NotFound))
            .Build();

        await StartAsync(web);

        Assert.That(web.State, Is.EqualTo(ThrowawayContainerState.Running));
    }

    [Test]
    public async Task ForPort_PassesOnceTheContainerListensAndAConnectionThroughTheMappedPortGetsItsAnswer()
    {
        await using var server = Builder()
            .WithCommand("sh", "-c", "sleep 1; exec nc -ll -p 9000 -e echo pong")
            .WithPortBinding(9000)
            .WithWaitStrategy(Wait.ForPort(9000))
            .Build();

        await StartAsync(server);

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.GetMappedPort(9000));
        using var reader = new StreamReader(client.GetStream());
        Assert.That(await reader.ReadLineAsync(), Is.EqualTo("pong"), "StartAsync returned before the container listened");
    }

    [Test]
    public async Task ForPort_IsNotFooledByTheForwarderAcceptingBeforeTheContainerListens()
    {
        await using var silent = Builder()
            .WithName("not-listening")
            .WithCommand("sleep", "60")
            .WithPortBinding(9000)
            .WithWaitStrategy(Wait.ForPort(9000))
            .WithStartupTimeout(TimeSpan.FromSeconds(3))
            .Build();

        var error = Assert.ThrowsAsync<WaitStrategyTimeoutException>(() => StartAsync(silent));

        Assert.That(error!.Message, Does.Contain("port 9000/tcp").And.Contain("not-listening"));
    }

    [Test]
    public async Task WithPortBinding_OnAFixedHostPort_PublishesThatPort()
    {
        var hostPort = FreeLoopbackPort();
        await using var server = Builder()
            .WithCommand("nc", "-ll", "-p", "9000", "-e", "echo", "fixed")
            .WithPortBinding(hostPort, 9000)
            .WithWaitStrategy(Wait.ForPort(9000))
            .Build();

        await StartAsync(server);

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, hostPort);
        using var reader = new StreamReader(client.GetStream());
        Assert.Multiple(async () =>
        {
            Assert.That(server.GetMappedPort(9000), Is.EqualTo(hostPort));
            Assert.That(await reader.ReadLineAsync(), Is.EqualTo("fixed"));
        });
    }

    [Test]
    public async Task GetMappedPort_OfAPortNotPublished_SaysHowToPublishIt()
    {
        await using var server = Builder().WithCommand("sleep", "60").WithPortBinding(9000).Build();
        await StartAsync(server);

        var error = Assert.Throws<NotFoundException>(() => server.GetMappedPort(9001));

        Assert.That(error!.Message, Does.Contain("9001"));
    }

    [Test]
    public void WithPortBinding_RefusesAPortPublishedTwiceOrOutOfRange()
    {
        var builder = new ContainerBuilder().WithPortBinding(80);

        Assert.Multiple(() =>
        {
            Assert.Throws<AlreadyExistsException>(() => builder.WithPortBinding(8080, 80));
            Assert.Throws<InvalidArgumentException>(() => builder.WithPortBinding(70000));
            Assert.Throws<InvalidArgumentException>(() => builder.WithPortBinding(0, 81));
            Assert.Throws<InvalidArgumentException>(() => Wait.ForHttp("//elsewhere/", 80));
        });
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
