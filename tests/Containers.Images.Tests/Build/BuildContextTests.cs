using System.Net;
using System.Net.Sockets;
using System.Text;
using Containers.Errors;
using Containers.Images.Build;

namespace Containers.Images.Tests.Build;

/// <summary>What COPY and ADD may read: the context and nothing outside it, URLs, and layers made with --link.</summary>
public sealed class BuildContextTests : BuildTest
{
    [Test]
    public async Task Copy_ThroughASymlinkLeavingTheContext_IsRefused()
    {
        var context = Context(("Dockerfile", "FROM busybox\nCOPY escape/passwd /stolen\n"));
        File.CreateSymbolicLink(Path.Combine(context, "escape"), "/etc");

        var error = Assert.ThrowsAsync<InvalidArgumentException>(() => BuildAsync(context));

        Assert.Multiple(async () =>
        {
            Assert.That(error!.Message, Does.StartWith("Dockerfile:2: COPY escape/passwd /stolen").And.Contain("leads out of the build context"));
            Assert.That(await BuildRemainsAsync(), Is.Empty);
        });
    }

    [Test]
    public void Copy_OfAParentPath_IsRefused()
    {
        var context = Context(("Dockerfile", "FROM busybox\nCOPY ../outside /x\n"));

        var error = Assert.ThrowsAsync<InvalidArgumentException>(() => BuildAsync(context));

        Assert.That(error!.Message, Does.Contain("is outside the build context"));
    }

    [Test]
    public async Task Copy_OfADirectoryWithASymlinkInIt_CopiesTheSymlinkAsItIs()
    {
        var context = Context(("Dockerfile", "FROM busybox\nCOPY tree /tree\n"), ("tree/file.txt", "x"));
        File.CreateSymbolicLink(Path.Combine(context, "tree", "link"), "/etc/passwd");

        var files = await ImageFiles.FlattenAsync((await BuildAsync(context)).Image);

        Assert.That(files["tree/link"], Is.EqualTo(new FileEntry('l', 0b111_111_111, 0, 0, null, "/etc/passwd")));
    }

    [Test]
    public async Task CopyLink_ReusesItsLayer_OnAnotherBase()
    {
        var first = Context(("Dockerfile", "FROM busybox\nCOPY --link app.txt /app/\n"), ("app.txt", "app"));
        var second = Context(("Dockerfile", "FROM busybox\nRUN echo other > /other\nCOPY --link app.txt /app/\n"), ("app.txt", "app"));
        var one = await BuildAsync(first);

        var two = await BuildAsync(second);

        Assert.Multiple(() =>
        {
            Assert.That(two.CachedSteps, Is.EqualTo(1), "the COPY --link came from the cache though the base differs");
            Assert.That(two.Image.Layers[^1].Digest, Is.EqualTo(one.Image.Layers[^1].Digest));
        });
    }

    [Test]
    public async Task Add_OfAUrl_FetchesTheFileWithMode600()
    {
        using var server = new OneFileServer("fetched content\n");
        var context = Context(("Dockerfile", $"FROM busybox\nADD {server.Url}/files/data.txt /downloads/\nCMD [\"cat\", \"/downloads/data.txt\"]\n"));

        var result = await BuildAsync(context);
        var files = await ImageFiles.FlattenAsync(result.Image);

        Assert.Multiple(async () =>
        {
            Assert.That((await RunImageAsync(result.Image)).Output, Is.EqualTo("fetched content\n"));
            Assert.That(files["downloads/data.txt"].Mode, Is.EqualTo(0b110_000_000));
        });
    }

    [Test]
    public void Add_OfAnUnreachableUrl_SaysItIsUnreachable()
    {
        var port = FreePort();
        var context = Context(("Dockerfile", $"FROM busybox\nADD http://127.0.0.1:{port}/x /x\n"));

        var error = Assert.ThrowsAsync<UnavailableException>(() => BuildAsync(context));

        Assert.That(error!.Message, Does.StartWith("Dockerfile:2: ADD").And.Contain("unreachable"));
    }

    [Test]
    public async Task Build_CancelledDuringARun_LeavesNothing()
    {
        var context = Context(("Dockerfile", "FROM busybox\nRUN echo started; sleep 60\n"));
        using var cancel = new CancellationTokenSource();
        var progress = new CancelOnOutput(cancel, "started");

        Assert.CatchAsync<OperationCanceledException>(() => Builder.BuildAsync(new BuildRequest { ContextDirectory = context }, progress, cancel.Token));

        Assert.That(await BuildRemainsAsync(), Is.Empty);
    }

    [Test]
    public async Task Build_FromScratchForAnotherPlatform_RecordsThePlatform()
    {
        var context = Context(("Dockerfile", "FROM --platform=linux/arm64/v8 scratch\nCOPY a.txt /\n"), ("a.txt", "a"));

        var config = (await BuildAsync(context)).Image.Config;

        Assert.Multiple(() =>
        {
            Assert.That(config.Architecture, Is.EqualTo("arm64"));
            Assert.That(config.Variant, Is.EqualTo("v8"));
            Assert.That(config.OS, Is.EqualTo("linux"));
        });
    }

    [Test]
    public async Task Run_WithTheHostNetwork_SeesTheHostsInterfaces()
    {
        var context = Context(("Dockerfile", "FROM busybox\nRUN --network=host cat /proc/net/dev > /host-dev\nRUN cat /proc/net/dev > /own-dev\n"));

        var result = await BuildAsync(context);
        var files = await ImageFiles.FlattenAsync(result.Image);
        var (_, host) = await RunImageAsync(result.Image, "cat", "/host-dev");
        var (_, own) = await RunImageAsync(result.Image, "cat", "/own-dev");

        Assert.Multiple(() =>
        {
            Assert.That(files, Does.ContainKey("host-dev"));
            Assert.That(own.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).Select(l => l.Trim().Split(':')[0]), Is.EqualTo(new[] { "lo" }));
            Assert.That(host.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, Is.GreaterThan(3), "the host has more than lo");
        });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Cancels the build once a RUN prints <paramref name="line"/>.</summary>
    private sealed class CancelOnOutput(CancellationTokenSource cancel, string line) : IProgress<BuildProgress>
    {
        public void Report(BuildProgress value)
        {
            if (value.Kind == BuildProgressKind.Output && value.Text == line)
            {
                cancel.Cancel();
            }
        }
    }

    /// <summary>An HTTP server on 127.0.0.1 that answers every GET with one text.</summary>
    private sealed class OneFileServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;

        public OneFileServer(string text)
        {
            _listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
            _serving = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    using var stream = client.GetStream();
                    var request = new byte[4096];
                    _ = await stream.ReadAsync(request, _stop.Token);
                    var body = Encoding.UTF8.GetBytes(text);
                    var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nLast-Modified: Tue, 01 Jan 2030 00:00:00 GMT\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(head, _stop.Token);
                    await stream.WriteAsync(body, _stop.Token);
                }
            });
        }

        public string Url { get; }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _serving.ContinueWith(_ => { }, TaskScheduler.Default).Wait();
            _stop.Dispose();
        }
    }
}
