using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;

namespace Containers.Cli.Tests.Commands;

/// <summary>Networks the test makes itself (a bridge and subnet of its own), containers on them, and published ports on 127.0.0.1.</summary>
public sealed class NetworkCommandTests : ContainerCliTest
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private string? _network;

    [TearDown]
    public async Task RemoveNetwork()
    {
        if (_network is not null)
        {
            // The containers go first, in the base teardown; this one runs before it, so remove them here.
            var (_, ids, _) = await CliAsync("ps", "-a", "-q", "--no-trunc");
            foreach (var id in ids.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                await CliAsync("rm", "-f", id);
            }

            await CliAsync("network", "rm", _network);
        }
    }

    [Test]
    public async Task Network_CreateLsInspectRm()
    {
        var name = await CreateNetworkAsync();

        var id = await CliOkAsync("network", "ls", "-q", "--no-trunc");
        var table = (await CliOkAsync("network", "ls")).Split('\n');
        var inspected = JsonDocument.Parse(await CliOkAsync("network", "inspect", name)).RootElement[0];

        Assert.Multiple(() =>
        {
            Assert.That(id, Does.Match("^[0-9a-f]{64}$"));
            Assert.That(table[0], Does.Match("^NETWORK ID +NAME +DRIVER +SCOPE$"));
            Assert.That(table[1], Does.Match($"^{id[..12]} +{name} +bridge +local$"));
            Assert.That(inspected.GetProperty("Name").GetString(), Is.EqualTo(name));
            Assert.That(inspected.GetProperty("IPAM").GetProperty("Config")[0].GetProperty("Subnet").GetString(), Does.EndWith(".0/24"));
        });
        Assert.That(await CliOkAsync("network", "rm", name), Is.EqualTo(name));
        _network = null;
        Assert.That(await CliOkAsync("network", "ls", "-q"), Is.Empty);
    }

    [Test]
    public async Task ContainersOnANetwork_ReachEachOtherByName()
    {
        var name = await CreateNetworkAsync();
        await CliOkAsync("run", "-d", "--network", name, "--name", "server", Image, "nc", "-ll", "-p", "80", "-e", "echo", "hello by name");

        var (code, stdout, stderr) = await CliAsync("run", "--rm", "--network", name, Image, "sh", "-c", "for i in $(seq 50); do nc server 80 && exit 0; sleep 0.1; done; exit 1");

        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Is.EqualTo("hello by name\n"));
        var server = JsonDocument.Parse(await CliOkAsync("inspect", "server")).RootElement[0];
        Assert.That(server.GetProperty("NetworkSettings").GetProperty("Networks").GetProperty(name).GetProperty("IPAddress").GetString(), Does.Match(@"^\d+\.\d+\.\d+\.\d+$"));
    }

    [Test]
    public async Task Detached_PublishedPort_IsServedAfterRunExits_AndGoesWithRm()
    {
        var name = await CreateNetworkAsync();
        var id = await CliOkAsync("run", "-d", "--network", name, "-p", "127.0.0.1::80", "--name", "web", Image, "nc", "-ll", "-p", "80", "-e", "echo", "published");

        var row = (await CliOkAsync("ps")).Split('\n')[1];
        var published = JsonDocument.Parse(await CliOkAsync("inspect", "web")).RootElement[0].GetProperty("NetworkSettings").GetProperty("Ports").GetProperty("80/tcp")[0];
        var port = int.Parse(published.GetProperty("HostPort").GetString()!);
        Assert.That(row, Does.Contain($"127.0.0.1:{port}->80/tcp"));
        Assert.That(await ReadWhenServedAsync(port), Is.EqualTo("published\n"), "served by the supervisor: the engine of run -d has gone");
        var proxy = ProxyPid(id);
        Assert.That(proxy, Is.Not.Null, "a supervisor runs for the container");

        await CliOkAsync("rm", "-f", "web");

        Assert.That(IsAlive(proxy!.Value), Is.False, "rm ends the supervisor");
        Assert.That(() => ReadFromAsync(port), Throws.InstanceOf<SocketException>(), "nothing listens on the port any more");
    }

    [Test]
    public async Task Foreground_PublishedPort_IsServedWhileItRuns()
    {
        var name = await CreateNetworkAsync();
        var run = CliAsync("run", "--rm", "--network", name, "-p", "127.0.0.1::80", "--name", "fg", Image, "sh", "-c", "nc -l -p 80 -e echo foreground");
        string? ports = null;
        var stopwatch = Stopwatch.StartNew();
        while (ports is null or "" && stopwatch.Elapsed < Timeout)
        {
            await Task.Delay(100);
            var (code, stdout, _) = await CliAsync("ps", "--no-trunc");
            ports = code == 0 && stdout.Contains("fg", StringComparison.Ordinal) ? JsonDocument.Parse((await CliAsync("inspect", "fg")).Stdout).RootElement[0].GetProperty("NetworkSettings").GetProperty("Ports").EnumerateObject().FirstOrDefault().Value.ToString() : null;
        }

        var port = int.Parse(JsonDocument.Parse(ports!).RootElement[0].GetProperty("HostPort").GetString()!);
        string served;
        try
        {
            served = await ReadWhenServedAsync(port);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // Say what became of the run, and leave no run of this test going into the next.
            var ended = run.IsCompleted ? $"run ended with {run.Result.Code}: {run.Result.Stdout} {run.Result.Stderr}" : "run still going";
            await CliAsync("rm", "-f", "fg");
            await run.WaitAsync(Timeout);
            Assert.Fail($"port {port} never served the container's line ({e.Message}); {ended}");
            throw;
        }

        Assert.That(served, Is.EqualTo("foreground\n"));
        var (exit, _, stderr) = await run.WaitAsync(Timeout);
        Assert.That(exit, Is.Zero, stderr);
    }

    private async Task<string> CreateNetworkAsync()
    {
        // A bridge and a subnet of the test's own, so that it shares nothing with the machine's.
        var suffix = RandomNumberGenerator.GetHexString(6, lowercase: true);
        var third = RandomNumberGenerator.GetInt32(1, 250);
        _network = $"net-{suffix}";
        await CliOkAsync("network", "create", "--subnet", $"10.123.{third}.0/24", "-o", $"com.docker.network.bridge.name=clit{suffix}", _network);
        return _network;
    }

    /// <summary>
    /// Reads the first line served on the port, trying again while the connection is refused or
    /// reset: the port is published before the container's server listens, and the forwarder
    /// resets a connection that the container refuses.
    /// </summary>
    private static async Task<string> ReadWhenServedAsync(int port)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var line = await ReadFromAsync(port);
                if (line != "\n" || stopwatch.Elapsed >= Timeout)
                {
                    return line;
                }
            }
            catch (Exception e) when (e is IOException or SocketException && stopwatch.Elapsed < Timeout)
            {
            }

            await Task.Delay(50);
        }
    }

    private static async Task<string> ReadFromAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port).WaitAsync(Timeout);
        using var reader = new StreamReader(client.GetStream());
        return (await reader.ReadLineAsync().WaitAsync(Timeout)) + "\n";
    }

    private int? ProxyPid(string id)
    {
        var file = Path.Combine(Root, "supervisors", $"{id}.pid");
        return File.Exists(file) ? int.Parse(File.ReadAllText(file)) : null;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
