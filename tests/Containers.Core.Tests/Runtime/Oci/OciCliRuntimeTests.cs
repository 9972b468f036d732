using System.Text;
using Containers.Errors;
using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Oci;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime.Oci;

/// <summary>The runc adapter's lifecycle on a busybox bundle, against the real runc.</summary>
[NonParallelizable]
public sealed class OciCliRuntimeTests
{
    private const int SigKill = 9;
    private const int SigTerm = 15;

    private string work = null!;
    private OciCliRuntimeOptions options = null!;
    private OciCliRuntime runtime = null!;
    private readonly List<TestBundle> bundles = [];
    private readonly List<int> pids = [];

    [SetUp]
    public void SetUp()
    {
        if (Environment.UserName != "root")
        {
            Assert.Ignore("needs root: runc creates namespaces and cgroups");
        }

        // Short paths: the shim's and the console's unix sockets live under the state root.
        work = Directory.CreateTempSubdirectory("runc-").FullName;
        options = new OciCliRuntimeOptions { Name = "runc", Root = Path.Combine(work, "root"), StateRoot = Path.Combine(work, "shims") };
        runtime = new OciCliRuntime(options);
        if (!runtime.IsAvailable)
        {
            Assert.Ignore($"needs runc: none at {runtime.BinaryPath} (apt-get install runc)");
        }
    }

    [TearDown]
    public async Task TearDown()
    {
        if (runtime is null || work is null)
        {
            return;
        }

        var leftovers = new List<string>();
        string[] shimDirs;
        List<int> alive;
        try
        {
            foreach (var state in await runtime.ListAsync())
            {
                leftovers.Add(state.Id);
                await runtime.DeleteAsync(state.Id, force: true);
            }

            await runtime.DisposeAsync();
            shimDirs = Directory.Exists(options.StateRoot) ? Directory.GetFileSystemEntries(options.StateRoot) : [];
            alive = pids.Where(pid => ProcessIdentity.Of(pid) is not null).ToList();
        }
        finally
        {
            foreach (var bundle in bundles)
            {
                bundle.Dispose();
            }

            bundles.Clear();
            pids.Clear();
            Directory.Delete(work, recursive: true);
        }

        Assert.Multiple(() =>
        {
            Assert.That(leftovers, Is.Empty, "containers the test left in runc's root");
            Assert.That(shimDirs, Is.Empty, "shim state the test left");
            Assert.That(alive, Is.Empty, "container processes still alive");
        });
    }

    [Test]
    public async Task Lifecycle_CreateStartWaitDelete_ReportsStatesOutputAndExitCode()
    {
        var bundle = Bundle("sh", "-c", "echo out; echo err >&2; exit 3");

        await using var created = await runtime.CreateAsync(new ContainerCreateRequest("life", bundle) { Stdio = StdioMode.Pipes });
        pids.Add(created.Pid);
        var state = await runtime.GetStateAsync("life");
        Assert.That(state.Status, Is.EqualTo(ContainerStatus.Created));
        Assert.That(state.Pid, Is.EqualTo(created.Pid));
        Assert.That(state.Bundle, Is.EqualTo(bundle));
        Assert.That(state.Created, Is.Not.Null);
        Assert.That((await runtime.ListAsync()).Select(s => s.Id), Is.EqualTo(new[] { "life" }));

        await runtime.StartAsync("life");
        var stdout = await new StreamReader(created.Io.StandardOutput!).ReadToEndAsync();
        var stderr = await new StreamReader(created.Io.StandardError!).ReadToEndAsync();
        var exit = await runtime.WaitAsync("life");

        Assert.That(exit, Is.EqualTo(ExitStatus.Exited(3)));
        Assert.That(stdout, Is.EqualTo("out\n"));
        Assert.That(stderr, Is.EqualTo("err\n"));
        Assert.That((await runtime.GetStateAsync("life")).Status, Is.EqualTo(ContainerStatus.Stopped));

        await runtime.DeleteAsync("life");

        Assert.That(await runtime.ListAsync(), Is.Empty);
        Assert.That(Directory.Exists(Path.Combine(options.StateRoot!, "life")), Is.False);
        Assert.ThrowsAsync<NotFoundException>(() => runtime.GetStateAsync("life"));
    }

    [Test]
    public async Task Kill_RunningContainer_WaitReportsTheSignal()
    {
        await using var created = await CreateStartedAsync("killed", "sleep", "1000");
        Assert.That((await runtime.GetStateAsync("killed")).Status, Is.EqualTo(ContainerStatus.Running));

        await runtime.KillAsync("killed", SigKill);
        var exit = await runtime.WaitAsync("killed").WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(exit, Is.EqualTo(ExitStatus.Killed(SigKill)));
        Assert.That(exit.ExitCode, Is.EqualTo(137));
        Assert.That((await runtime.GetStateAsync("killed")).Status, Is.EqualTo(ContainerStatus.Stopped));
        await runtime.DeleteAsync("killed");
    }

    [Test]
    public async Task Kill_Term_ReachesTheContainersHandler()
    {
        await using var created = await CreateStartedAsync("trap", "sh", "-c", "trap 'exit 7' TERM; echo ready; while true; do sleep 0.1; done");
        var reader = new StreamReader(created.Io.StandardOutput!);
        Assert.That(await reader.ReadLineAsync(), Is.EqualTo("ready"));

        await runtime.KillAsync("trap", SigTerm);

        Assert.That(await runtime.WaitAsync("trap").WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo(ExitStatus.Exited(7)));
        await runtime.DeleteAsync("trap");
    }

    [Test]
    public async Task Kill_All_StopsEveryProcessOfTheContainer()
    {
        await using var created = await CreateStartedAsync("all", "sh", "-c", "sleep 1000 & sleep 1000");

        await runtime.KillAsync("all", SigKill, all: true);

        Assert.That((await runtime.WaitAsync("all").WaitAsync(TimeSpan.FromSeconds(10))).Signal, Is.EqualTo(SigKill));
        await runtime.DeleteAsync("all");
    }

    [Test]
    public async Task Exec_InRunningContainer_ReturnsTheProcessOutputAndExitCode()
    {
        await using var created = await CreateStartedAsync("exec", "sleep", "1000");

        await using var process = await runtime.ExecAsync("exec", Process("sh", "-c", "echo from exec $(cat /proc/1/cmdline | tr '\\0' ' '); exit 5"), StdioMode.Pipes);
        pids.Add(process.Pid);
        var stdout = await new StreamReader(process.Io.StandardOutput!).ReadToEndAsync();
        var exit = await process.WaitAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(exit, Is.EqualTo(ExitStatus.Exited(5)));
        Assert.That(stdout, Is.EqualTo("from exec sleep 1000\n"));
        await runtime.DeleteAsync("exec", force: true);
    }

    [Test]
    public async Task Exec_KilledProcess_ReportsItsSignal()
    {
        await using var created = await CreateStartedAsync("execkill", "sleep", "1000");
        await using var process = await runtime.ExecAsync("execkill", Process("sleep", "1000"), StdioMode.Null);
        pids.Add(process.Pid);
        Assert.That(ProcessIdentity.Of(process.Pid), Is.Not.Null);

        process.Kill(SigKill);

        Assert.That(await process.WaitAsync().WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo(ExitStatus.Killed(SigKill)));
        Assert.That((await runtime.GetStateAsync("execkill")).Status, Is.EqualTo(ContainerStatus.Running));
        await runtime.DeleteAsync("execkill", force: true);
    }

    [Test]
    public async Task Exec_StoppedContainer_ThrowsFailedPrecondition()
    {
        await using var created = await CreateStartedAsync("execstopped", "true");
        await runtime.WaitAsync("execstopped");

        var e = Assert.ThrowsAsync<FailedPreconditionException>(() => runtime.ExecAsync("execstopped", Process("true"), StdioMode.Null));

        Assert.That(e!.Message, Does.Contain("execstopped").And.Contain("stopped"));
        await runtime.DeleteAsync("execstopped");
    }

    [Test]
    public void UnknownId_EveryOperation_ThrowsNotFound()
    {
        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<NotFoundException>(() => runtime.GetStateAsync("nope"));
            Assert.ThrowsAsync<NotFoundException>(() => runtime.StartAsync("nope"));
            Assert.ThrowsAsync<NotFoundException>(() => runtime.KillAsync("nope", SigKill));
            Assert.ThrowsAsync<NotFoundException>(() => runtime.WaitAsync("nope"));
            Assert.ThrowsAsync<NotFoundException>(() => runtime.DeleteAsync("nope"));
            Assert.ThrowsAsync<NotFoundException>(() => runtime.ExecAsync("nope", Process("true"), StdioMode.Null));
        });
        var e = Assert.ThrowsAsync<NotFoundException>(() => runtime.GetStateAsync("nope"));
        Assert.That(e!.Message, Does.Contain("nope").And.Contain("does not exist"));
    }

    [Test]
    public void InvalidId_IsRejectedBeforeRuncRuns() =>
        Assert.ThrowsAsync<InvalidArgumentException>(() => runtime.GetStateAsync("../etc"));

    [Test]
    public async Task Delete_RunningWithoutForce_ThrowsConflict_WithForceRemovesIt()
    {
        await using var created = await CreateStartedAsync("busy", "sleep", "1000");

        var e = Assert.ThrowsAsync<ConflictException>(() => runtime.DeleteAsync("busy"));
        Assert.That(e!.Message, Does.Contain("busy").And.Contain("running"));
        Assert.That((await runtime.GetStateAsync("busy")).Status, Is.EqualTo(ContainerStatus.Running));

        await runtime.DeleteAsync("busy", force: true);

        Assert.That(await runtime.ListAsync(), Is.Empty);
        Assert.That(ProcessIdentity.Of(created.Pid), Is.Null);
    }

    [Test]
    public async Task Delete_CreatedNeverStarted_WithForce_RemovesIt()
    {
        await using var created = await runtime.CreateAsync(new ContainerCreateRequest("unstarted", Bundle("true")));
        pids.Add(created.Pid);

        await runtime.DeleteAsync("unstarted", force: true);

        Assert.That(await runtime.ListAsync(), Is.Empty);
        Assert.That(ProcessIdentity.Of(created.Pid), Is.Null);
    }

    [Test]
    public async Task Start_Twice_ThrowsFailedPrecondition()
    {
        await using var created = await CreateStartedAsync("twice", "sleep", "1000");

        var e = Assert.ThrowsAsync<FailedPreconditionException>(() => runtime.StartAsync("twice"));

        Assert.That(e!.Message, Does.Contain("twice").And.Contain("running"));
        await runtime.DeleteAsync("twice", force: true);
    }

    [Test]
    public async Task Create_ExistingId_ThrowsAlreadyExists_AndKeepsTheFirst()
    {
        await using var created = await runtime.CreateAsync(new ContainerCreateRequest("dup", Bundle("true")));
        pids.Add(created.Pid);

        Assert.ThrowsAsync<AlreadyExistsException>(() => runtime.CreateAsync(new ContainerCreateRequest("dup", Bundle("true"))));

        Assert.That((await runtime.GetStateAsync("dup")).Status, Is.EqualTo(ContainerStatus.Created));
        await runtime.DeleteAsync("dup", force: true);
    }

    [Test]
    public async Task Create_ProgramMissing_SurfacesRuncsMessageAndLeavesNothing()
    {
        var bundle = Bundle("/no/such/program");

        // runc 1.1 looks the program up at create; later versions fail the start.
        var e = Assert.CatchAsync<ContainersException>(async () =>
        {
            await using var created = await runtime.CreateAsync(new ContainerCreateRequest("badexec", bundle));
            pids.Add(created.Pid);
            await runtime.StartAsync("badexec");
        });

        Assert.That(e!.Message, Does.Contain("badexec").And.Contain("/no/such/program"));
        TestContext.Out.WriteLine(e.Message);
        if ((await runtime.ListAsync()).Count > 0)
        {
            await runtime.DeleteAsync("badexec", force: true);
        }

        Assert.That(Directory.Exists(Path.Combine(options.StateRoot!, "badexec")), Is.False);
    }

    [Test]
    public void Create_MissingRootfs_ThrowsWithRuncsReasonAndLeavesNothing()
    {
        var bundle = Bundle(spec => spec with { Root = new OciRoot { Path = "missing-rootfs" } });

        var e = Assert.CatchAsync<ContainersException>(() => runtime.CreateAsync(new ContainerCreateRequest("norootfs", bundle)));

        Assert.That(e!.Message, Does.Contain("norootfs").And.Contain("runc").And.Contain("missing-rootfs"));
        TestContext.Out.WriteLine(e.Message);
        Assert.That(Directory.Exists(Path.Combine(options.StateRoot!, "norootfs")), Is.False);
    }

    [Test]
    public async Task Wait_FromAnotherAdapter_GetsTheStatusFromTheShim()
    {
        await using var created = await CreateStartedAsync("foreign", "sh", "-c", "sleep 0.3; exit 9");
        await using var other = new OciCliRuntime(options);

        Assert.That(await other.WaitAsync("foreign").WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo(ExitStatus.Exited(9)));
        Assert.That(await other.WaitAsync("foreign"), Is.EqualTo(ExitStatus.Exited(9)), "from the exit file, once the shim has gone");

        await other.DeleteAsync("foreign");
        Assert.That(await runtime.ListAsync(), Is.Empty);
    }

    [Test]
    public async Task Terminal_ConsoleSocket_HandsOverThePtyMaster()
    {
        var bundle = Bundle(spec => spec with { Process = spec.Process! with { Terminal = true, Args = ["sh", "-c", "test -t 0 && echo is a tty"] } });
        await using var created = await runtime.CreateAsync(new ContainerCreateRequest("tty", bundle) { Stdio = StdioMode.Terminal });
        pids.Add(created.Pid);
        Assert.That(created.Io.Terminal, Is.Not.Null);

        await runtime.StartAsync("tty");
        var output = await ReadUntilAsync(created.Io.Terminal!, "is a tty");
        var exit = await runtime.WaitAsync("tty").WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(output, Does.Contain("is a tty"));
        Assert.That(exit, Is.EqualTo(ExitStatus.Exited(0)));
        await runtime.DeleteAsync("tty");
    }

    [Test]
    public void Terminal_SpecWithoutTerminal_ThrowsFailedPreconditionNamingTheFix()
    {
        var bundle = Bundle("true");

        var e = Assert.ThrowsAsync<FailedPreconditionException>(() => runtime.CreateAsync(new ContainerCreateRequest("notty", bundle) { Stdio = StdioMode.Terminal }));

        Assert.That(e!.Message, Does.Contain("process.terminal"));
        Assert.That(Directory.Exists(Path.Combine(options.StateRoot!, "notty")), Is.False);
    }

    [Test]
    public async Task DieWithOwner_OwnerGone_ShimKillsAndSweepDeletes()
    {
        var created = await runtime.CreateAsync(new ContainerCreateRequest("orphan", Bundle("sleep", "1000")) { DieWithOwner = true });
        pids.Add(created.Pid);
        await runtime.StartAsync("orphan");
        await created.DisposeAsync();

        // Closing the adapter closes the owner channel, as the owner's death does.
        await runtime.DisposeAsync();
        await WaitUntilAsync(() => ProcessIdentity.Of(created.Pid) is null);
        await WaitUntilAsync(() => !Directory.Exists(Path.Combine(options.StateRoot!, "orphan")));
        runtime = new OciCliRuntime(options);
        Assert.That((await runtime.GetStateAsync("orphan")).Status, Is.EqualTo(ContainerStatus.Stopped));

        Assert.That(await runtime.SweepAsync(), Is.EqualTo(1));
        Assert.That(await runtime.ListAsync(), Is.Empty);
    }

    private async Task<CreatedContainer> CreateStartedAsync(string id, params string[] args)
    {
        var created = await runtime.CreateAsync(new ContainerCreateRequest(id, Bundle(args)) { Stdio = StdioMode.Pipes });
        pids.Add(created.Pid);
        await runtime.StartAsync(id);
        return created;
    }

    private string Bundle(params string[] args) => Bundle(null, args);

    private string Bundle(Func<OciSpec, OciSpec>? configure, params string[] args)
    {
        var bundle = TestBundle.Create(configure, args);
        bundles.Add(bundle);
        return bundle.Path;
    }

    private static OciProcess Process(params string[] args) => new()
    {
        Args = args,
        Env = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
    };

    private static async Task<string> ReadUntilAsync(Stream terminal, string expected)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!text.ToString().Contains(expected, StringComparison.Ordinal))
        {
            int n;
            try
            {
                n = await terminal.ReadAsync(buffer, timeout.Token);
            }
            catch (IOException)
            {
                break; // EIO: the pty's last writer has gone.
            }

            if (n == 0)
            {
                break;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }

        return text.ToString();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.That(condition(), Is.True);
    }

}
