using System.Text;
using Containers.Cgroups;
using Containers.Errors;
using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime;

/// <summary>
/// What every <see cref="IContainerRuntime"/> must do, run against each: isolation, limits,
/// privileges, lifecycle and exit statuses, on real namespaces and cgroups with a busybox rootfs.
/// </summary>
public abstract class ContainerRuntimeConformance
{
    /// <summary>The cgroup under which every test container is made, relative to the test process's own.</summary>
    protected const string CgroupParent = "dotnet-containers-test";

    /// <summary>A line of Docker's json-file log, as its driver writes it.</summary>
    private const string JsonFileLine =
        "^\\{\"log\":\"(?:[^\"\\\\]|\\\\.)*\",\"stream\":\"std(?:out|err)\",\"time\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z\"\\}$";

    private TestContainers containers = null!;

    protected IContainerRuntime Runtime { get; private set; } = null!;

    /// <summary>Makes the runtime under test, or calls <c>Assert.Ignore</c> when its program is missing.</summary>
    protected abstract Task<IContainerRuntime> CreateRuntimeAsync();

    protected virtual bool SupportsTerminal => true;

    [SetUp]
    public async Task SetUpRuntime()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore("needs root: containers need namespaces and cgroups");
        }

        Runtime = await CreateRuntimeAsync();
        containers = new TestContainers(Runtime, CgroupParent);
    }

    [TearDown]
    public async Task DeleteContainers()
    {
        await containers.DeleteAllAsync();
        if (Runtime is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        AfterContainersDeleted();
    }

    /// <summary>Removes the tests' parent cgroup, which must be empty by now.</summary>
    [OneTimeTearDown]
    public async Task RemoveTestCgroupParent()
    {
        if (Environment.IsPrivilegedProcess)
        {
            Assert.That(await TestContainers.RemoveParentAsync(CgroupParent), Is.True, $"the tests' cgroup {CgroupParent} is still there");
        }
    }

    /// <summary>Checks that the runtime left nothing of its own behind once every container is deleted.</summary>
    protected virtual void AfterContainersDeleted()
    {
    }

    [Test]
    public async Task Run_ContainerProcess_IsPidOne()
    {
        var (exit, output, _) = await RunAsync(null, "sh", "-c", "echo $$");
        Assert.That((exit.ExitCode, output.Trim()), Is.EqualTo((0, "1")));
    }

    [Test]
    public async Task Run_Hostname_IsTheSpecs()
    {
        var (_, output, _) = await RunAsync(s => s with { Hostname = "conformance-host" }, "hostname");
        Assert.That(output.Trim(), Is.EqualTo("conformance-host"));
    }

    [Test]
    public async Task Run_Proc_ShowsOnlyTheContainer()
    {
        var (_, output, _) = await RunAsync(null, "sh", "-c", "ls /proc | grep -E '^[0-9]+$'");
        var pids = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(pids, Has.Length.LessThanOrEqualTo(3), $"pids seen: {string.Join(' ', pids)}");
        Assert.That(pids, Does.Contain("1"));
    }

    [Test]
    public async Task Run_AllocatingPastTheMemoryLimit_IsOomKilledAndReported()
    {
        const long limit = 32L << 20;
        var id = NewId();
        await using var _ = await CreateAsync(id, s => WithResources(s, r => r with { Memory = new OciMemory { Limit = limit, Swap = limit } }), StdioMode.Null,
            "dd", "if=/dev/zero", "of=/dev/null", "bs=128M", "count=1");
        await Runtime.StartAsync(id);
        var exit = await Runtime.WaitAsync(id).WaitAsync(TimeSpan.FromSeconds(30));
        var stats = await Runtime.GetStatsAsync(id);
        Assert.That(exit, Is.EqualTo(ExitStatus.Killed(9)));
        Assert.That(stats.Memory.OomKills, Is.GreaterThanOrEqualTo(1UL));
        Assert.That(stats.Memory.Limit, Is.EqualTo((ulong)limit));
    }

    [Test]
    public async Task Run_ForkBomb_IsStoppedByPidsMax()
    {
        var (exit, output, error) = await RunAsync(s => WithResources(s, r => r with { Pids = new OciPids { Limit = 8 } }),
            "sh", "-c", "sh -c 'i=0; while [ $i -lt 40 ]; do sleep 30 & i=$((i+1)); done'; n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; echo $n");
        Assert.That(int.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture), Is.LessThanOrEqualTo(8), error);
        Assert.That(error, Does.Contain("fork"));
        Assert.That(exit.ExitCode, Is.EqualTo(0));
    }

    [Test]
    public async Task Run_CpuQuota_ShowsAsThrottlingInCpuStats()
    {
        var id = NewId();
        await using var _ = await CreateAsync(id, s => WithResources(s, r => r with { Cpu = new OciCpu { Quota = 10_000, Period = 100_000 } }), StdioMode.Null,
            "sh", "-c", "while :; do :; done");
        await Runtime.StartAsync(id);
        await Task.Delay(TimeSpan.FromMilliseconds(800));
        var stats = await Runtime.GetStatsAsync(id);
        await Runtime.KillAsync(id, 9);
        await Runtime.WaitAsync(id);
        Assert.That(stats.Cpu.ThrottledPeriods, Is.GreaterThan(0UL));
        Assert.That(stats.Cpu.ThrottledNanoseconds, Is.GreaterThan(0UL));
        Assert.That(stats.Cpu.UsageNanoseconds, Is.GreaterThan(0UL));
    }

    [Test]
    public async Task Run_DefaultCapabilities_AreAllThatIsLeft()
    {
        var (_, output, _) = await RunAsync(null, "grep", "^Cap", "/proc/self/status");
        var expected = Capabilities.ToMask(["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(output, Does.Contain($"CapEff:\t{expected}"));
        Assert.That(output, Does.Contain($"CapBnd:\t{expected}"));
        Assert.That(output, Does.Contain($"CapPrm:\t{expected}"));
    }

    [Test]
    public async Task Run_MaskedPaths_AreUnreadable()
    {
        var (_, output, _) = await RunAsync(null, "sh", "-c", "cat /proc/kcore | wc -c; ls /sys/firmware | wc -l; cat /proc/keys | wc -c");
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()), Is.EqualTo(new[] { "0", "0", "0" }));
    }

    [Test]
    public async Task Run_ReadonlyPaths_RefuseWrites()
    {
        var (_, output, _) = await RunAsync(null, "sh", "-c", "echo 1 > /proc/sys/kernel/domainname && echo wrote || echo refused");
        Assert.That(output.Trim(), Is.EqualTo("refused"));
    }

    [Test]
    public async Task Run_HostMounts_AreNotVisible()
    {
        var marker = Directory.CreateTempSubdirectory("host-only-").FullName;
        Containers.Linux.PosixFs.Mount("tmpfs", marker, "tmpfs", 0, "size=1m");
        try
        {
            var (_, output, _) = await RunAsync(null, "cat", "/proc/self/mountinfo");
            Assert.That(output, Does.Not.Contain(Path.GetFileName(marker)));
            Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.LessThan(40));
        }
        finally
        {
            Containers.Linux.PosixFs.Unmount(marker);
            Directory.Delete(marker);
        }
    }

    [Test]
    public async Task Run_ReadonlyRoot_RefusesWrites()
    {
        var (_, output, _) = await RunAsync(s => s with { Root = s.Root! with { Readonly = true } }, "sh", "-c", "touch /x 2>/dev/null && echo wrote || echo refused");
        Assert.That(output.Trim(), Is.EqualTo("refused"));
    }

    [Test]
    public async Task Run_UserCwdAndEnv_AreTheSpecs()
    {
        var (_, output, _) = await RunAsync(
            s => s with { Process = s.Process! with { User = new OciUser { Uid = 1000, Gid = 1001, AdditionalGids = [1002] }, Cwd = "/tmp", Env = ["GREETING=hi", "PATH=/bin"] } },
            "sh", "-c", "id -u; id -G; pwd; echo $GREETING");
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "1000", "1001 1002", "/tmp", "hi" }));
    }

    [Test]
    public async Task Run_ProcessAttributes_AreTheSpecs()
    {
        var (_, output, error) = await RunAsync(
            s => s with
            {
                Process = s.Process! with
                {
                    Rlimits = [new OciRlimit { Type = "RLIMIT_NOFILE", Soft = 321, Hard = 654 }],
                    User = new OciUser { Umask = 0x12 },
                    OomScoreAdj = 123,
                    NoNewPrivileges = true,
                },
                Linux = s.Linux! with { Sysctl = new Dictionary<string, string> { ["kernel.shmmni"] = "2048" } },
            },
            "sh", "-c", "ulimit -n; ulimit -Hn; umask; cat /proc/self/oom_score_adj; grep NoNewPrivs /proc/self/status; cat /proc/sys/kernel/shmmni");
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()), Is.EqualTo(new[] { "321", "654", "0022", "123", "NoNewPrivs:\t1", "2048" }), error);
    }

    [Test]
    public async Task Run_Dev_HoldsTheDefaultDevicesAndTheSpecs()
    {
        var (_, output, error) = await RunAsync(
            s => s with { Linux = s.Linux! with { Devices = [new OciDevice { Path = "/dev/fuse", Type = "c", Major = 10, Minor = 229, FileMode = 0x1B6 }] } },
            "sh", "-c", "for d in null zero full random urandom tty fuse; do stat -c '%n %t:%T %a' /dev/$d; done; readlink /dev/fd; readlink /dev/ptmx; echo x > /dev/null && echo null-writable");
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            "/dev/null 1:3 666", "/dev/zero 1:5 666", "/dev/full 1:7 666", "/dev/random 1:8 666", "/dev/urandom 1:9 666", "/dev/tty 5:0 666", "/dev/fuse a:e5 666",
            "/proc/self/fd", "pts/ptmx", "null-writable",
        }), error);
    }

    [Test]
    public async Task Run_NetworkNamespace_HasOnlyLoopback()
    {
        var (_, output, _) = await RunAsync(
            s => s with { Linux = s.Linux! with { Namespaces = [.. s.Linux.Namespaces!, new OciNamespace { Type = "network" }] } },
            "sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1");
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()), Is.EqualTo(new[] { "lo" }));
    }

    [Test]
    public async Task Run_SysFsCgroup_ShowsTheContainersOwnCgroupReadOnly()
    {
        var (_, output, error) = await RunAsync(
            s => WithResources(s, r => r with { Pids = new OciPids { Limit = 42 } }),
            "sh", "-c", "cat /sys/fs/cgroup/pids/pids.max; mkdir /sys/fs/cgroup/pids/x 2>/dev/null && echo writable || echo read-only; grep ' /sys/fs/cgroup/' /proc/self/mountinfo | grep -vc ' ro,'");
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "42", "read-only", "0" }), error);
    }

    [Test]
    public async Task Run_NetworkNamespace_HasLoopbackUp()
    {
        var (_, output, error) = await RunAsync(
            s => s with { Linux = s.Linux! with { Namespaces = [.. s.Linux.Namespaces!, new OciNamespace { Type = "network" }] } },
            "cat", "/sys/class/net/lo/flags");
        Assert.That(Convert.ToInt32(output.Trim(), 16) & 1, Is.EqualTo(1), $"IFF_UP in lo's flags \"{output.Trim()}\" {error}");
    }

    [Test]
    public async Task Run_CgroupNamespace_IsRootedAtTheContainersCgroup()
    {
        var (_, output, _) = await RunAsync(
            s => s with { Linux = s.Linux! with { Namespaces = [.. s.Linux.Namespaces!, new OciNamespace { Type = "cgroup" }] } },
            "cat", "/proc/self/cgroup");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Is.Not.Empty);
        Assert.That(lines.Where(l => l.Contains("memory", StringComparison.Ordinal) || l.StartsWith("0::", StringComparison.Ordinal)).Select(l => l[(l.LastIndexOf(':') + 1)..]), Is.All.EqualTo("/"), output);
    }

    [TestCase(0)]
    [TestCase(3)]
    [TestCase(255)]
    public async Task Run_ExitCode_ComesBack(int code)
    {
        var (exit, _, _) = await RunAsync(null, "sh", "-c", $"exit {code}");
        Assert.That(exit, Is.EqualTo(ExitStatus.Exited(code)));
    }

    [Test]
    public async Task Kill_WithSigkill_ReportsTheSignal()
    {
        var id = NewId();
        await using var _ = await CreateAsync(id, null, StdioMode.Null, "sleep", "60");
        await Runtime.StartAsync(id);
        await Runtime.KillAsync(id, 9);
        var exit = await Runtime.WaitAsync(id).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That((exit.ExitCode, exit.Signal), Is.EqualTo((137, (int?)9)));
    }

    [Test]
    public async Task Kill_WithSigtermHandledByTheProcess_EndsItCleanly()
    {
        var id = NewId();
        await using var _ = await CreateAsync(id, null, StdioMode.Null, "sh", "-c", "trap 'exit 7' TERM; while :; do sleep 0.1; done");
        await Runtime.StartAsync(id);
        await Task.Delay(200);
        await Runtime.KillAsync(id, 15);
        var exit = await Runtime.WaitAsync(id).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(exit, Is.EqualTo(ExitStatus.Exited(7)));
    }

    [Test]
    public async Task Pause_FreezesEveryProcess_AndResumeThawsThem()
    {
        var id = NewId();
        await using var _ = await CreateAsync(id, null, StdioMode.Null, "sh", "-c", "while :; do :; done");
        await Runtime.StartAsync(id);
        await Runtime.PauseAsync(id);
        Assert.That((await Runtime.GetStateAsync(id)).Status, Is.EqualTo(ContainerStatus.Paused));
        var frozenFrom = (await Runtime.GetStatsAsync(id)).Cpu.UsageNanoseconds;
        await Task.Delay(300);
        var frozenTo = (await Runtime.GetStatsAsync(id)).Cpu.UsageNanoseconds;

        await Runtime.ResumeAsync(id);
        Assert.That((await Runtime.GetStateAsync(id)).Status, Is.EqualTo(ContainerStatus.Running));
        await Task.Delay(300);
        var thawed = (await Runtime.GetStatsAsync(id)).Cpu.UsageNanoseconds;
        Assert.ThrowsAsync(Is.InstanceOf<ContainersException>(), () => Runtime.ResumeAsync(id));
        await Runtime.KillAsync(id, 9);
        await Runtime.WaitAsync(id);

        Assert.That(frozenTo - frozenFrom, Is.LessThan(5_000_000UL), "a frozen busy loop runs no more");
        Assert.That(thawed - frozenTo, Is.GreaterThan(20_000_000UL), "the busy loop runs again once thawed");
    }

    [Test]
    public async Task Update_ChangesTheLimitsOfARunningContainer()
    {
        var id = NewId();
        await using var _ = await CreateAsync(id, s => WithResources(s, r => r with { Pids = new OciPids { Limit = 100 }, Memory = new OciMemory { Limit = 64L << 20 } }), StdioMode.Null, "sleep", "60");
        await Runtime.StartAsync(id);
        await Runtime.UpdateAsync(id, new OciResources { Pids = new OciPids { Limit = 7 }, Memory = new OciMemory { Limit = 48L << 20 } });
        var stats = await Runtime.GetStatsAsync(id);
        await Runtime.KillAsync(id, 9);
        await Runtime.WaitAsync(id);
        Assert.That((stats.Pids.Limit, stats.Memory.Limit), Is.EqualTo((7UL, 48UL << 20)));
    }

    [Test]
    public async Task Lifecycle_StatusGoesCreatedRunningStopped()
    {
        var id = NewId();
        await using var _ = await CreateAsync(id, null, StdioMode.Null, "sleep", "60");
        var created = await Runtime.GetStateAsync(id);
        Assert.That(created.Status, Is.EqualTo(ContainerStatus.Created));
        Assert.That(created.Pid, Is.GreaterThan(0));
        Assert.That(Directory.Exists($"/proc/{created.Pid}"), Is.True);

        await Runtime.StartAsync(id);
        Assert.That((await Runtime.GetStateAsync(id)).Status, Is.EqualTo(ContainerStatus.Running));
        Assert.ThrowsAsync(Is.InstanceOf<ContainersException>(), () => Runtime.StartAsync(id));
        Assert.ThrowsAsync<ConflictException>(() => Runtime.DeleteAsync(id));

        await Runtime.KillAsync(id, 9);
        await Runtime.WaitAsync(id);
        Assert.That((await Runtime.GetStateAsync(id)).Status, Is.EqualTo(ContainerStatus.Stopped));
        await Runtime.DeleteAsync(id);
        Assert.ThrowsAsync<NotFoundException>(() => Runtime.GetStateAsync(id));
        Assert.That(Directory.Exists($"/proc/{created.Pid}"), Is.False);
    }

    [Test]
    public async Task Delete_CreatedContainer_RemovesItsProcess()
    {
        var id = NewId();
        await using var _ = await CreateAsync(id, null, StdioMode.Null, "true");
        var pid = (await Runtime.GetStateAsync(id)).Pid;
        await Runtime.DeleteAsync(id);
        Assert.That(Directory.Exists($"/proc/{pid}"), Is.False);
        Assert.ThrowsAsync<NotFoundException>(() => Runtime.GetStateAsync(id));
    }

    [Test]
    public void Create_MissingProgram_FailsNamingIt()
    {
        var id = NewId();
        var bundle = containers.MakeBundle(id, null, "no-such-program");
        var error = Assert.ThrowsAsync(Is.InstanceOf<ContainersException>(), async () =>
        {
            await using var created = await Runtime.CreateAsync(new ContainerCreateRequest(id, bundle.Path));
            await Runtime.StartAsync(id);
            var exit = await Runtime.WaitAsync(id);
            throw new FailedPreconditionException($"exit {exit}");
        });
        Assert.That(error!.Message, Does.Contain("no-such-program"));
    }

    [Test]
    public async Task Stdio_Pipes_CarryInputAndOutput()
    {
        var id = NewId();
        var created = await CreateAsync(id, null, StdioMode.Pipes, "sh", "-c", "read line; echo got $line; echo oops >&2");
        await using (created)
        {
            await Runtime.StartAsync(id);
            await created.Io.StandardInput!.WriteAsync(Encoding.UTF8.GetBytes("ping\n"));
            await created.Io.StandardInput.DisposeAsync();
            var output = await new StreamReader(created.Io.StandardOutput!).ReadToEndAsync();
            var error = await new StreamReader(created.Io.StandardError!).ReadToEndAsync();
            Assert.That((output, error), Is.EqualTo(("got ping\n", "oops\n")));
            Assert.That(await Runtime.WaitAsync(id), Is.EqualTo(ExitStatus.Exited(0)));
        }
    }

    [Test]
    public async Task Stdio_Terminal_IsAPty()
    {
        if (!SupportsTerminal)
        {
            Assert.Ignore($"{Runtime.Name} has no terminal support in this adapter");
        }

        var id = NewId();
        var created = await CreateAsync(id, s => s with { Process = s.Process! with { Terminal = true } }, StdioMode.Terminal, "sh", "-c", "[ -t 0 ] && [ -t 1 ] && echo is-a-tty; tty");
        await using (created)
        {
            await Runtime.StartAsync(id);
            var exit = await Runtime.WaitAsync(id);
            var buffer = new byte[4096];
            var read = await created.Io.Terminal!.ReadAsync(buffer);
            var text = Encoding.UTF8.GetString(buffer, 0, read);
            Assert.That(text, Does.Contain("is-a-tty"));
            Assert.That(text, Does.Contain("/dev/pts/0"));
            Assert.That(exit.ExitCode, Is.EqualTo(0));
        }
    }

    [Test]
    public async Task Exec_InRunningContainer_SharesItsNamespaces()
    {
        var id = NewId();
        await using var _ = await CreateAsync(id, s => s with { Hostname = "exec-host" }, StdioMode.Null, "sleep", "60");
        await Runtime.StartAsync(id);
        var process = new OciProcess { Args = ["sh", "-c", "hostname; cat /proc/1/cmdline; echo; exit 5"], Env = ["PATH=/bin"] };
        await using var exec = await Runtime.ExecAsync(id, process, StdioMode.Pipes);
        var output = await new StreamReader(exec.Io.StandardOutput!).ReadToEndAsync();
        var exit = await exec.WaitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(exit, Is.EqualTo(ExitStatus.Exited(5)));
        Assert.That(output, Does.StartWith("exec-host\nsleep"));
    }

    [Test]
    public async Task Log_StdoutAndStderr_AreDockerJsonFileLinesWrittenByTheShim()
    {
        var (exit, lines) = await containers.RunLoggedAsync(NewId(), null, "sh", "-c", "echo one; echo oops >&2; echo two; printf partial; exit 3");
        var entries = lines.Select(ParseLogLine).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(ExitStatus.Exited(3)));
            Assert.That(lines, Has.All.Match(JsonFileLine), "one object a line, time in UTC with nanoseconds, as Docker writes it");
            Assert.That(entries.Where(e => e.Stream == "stdout").Select(e => e.Log), Is.EqualTo(new[] { "one\n", "two\n", "partial" }));
            Assert.That(entries.Where(e => e.Stream == "stderr").Select(e => e.Log), Is.EqualTo(new[] { "oops\n" }));
        });
    }

    [Test]
    public async Task Log_LongLinesControlCharactersAndInvalidUtf8_AreSplitAndEscapedAsDockerDoes()
    {
        var (_, lines) = await containers.RunLoggedAsync(NewId(), null, "sh", "-c", "head -c 40000 /dev/zero | tr '\\0' x; echo; printf '\\001\\377<\\n'");
        var entries = lines.Select(ParseLogLine).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(entries.Select(e => e.Log.Length), Is.EqualTo(new[] { 16 * 1024, 16 * 1024, 40000 - (32 * 1024) + 1, 4 }));
            Assert.That(string.Concat(entries.Take(3).Select(e => e.Log)), Is.EqualTo(new string('x', 40000) + "\n"));
            Assert.That(entries[3].Log, Is.EqualTo("\u0001\uFFFD<\n"));
            Assert.That(lines[3], Does.StartWith("{\"log\":\"\\u0001\\ufffd\\u003c\\n\""), "escaped as Docker escapes it");
        });
    }

    [Test]
    public async Task Log_WhenTheExitIsReported_HoldsAllOfTheOutput()
    {
        var (_, lines) = await containers.RunLoggedAsync(NewId(), null, "seq", "1", "20000");
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.Length.EqualTo(20000));
            Assert.That(ParseLogLine(lines[^1]).Log, Is.EqualTo("20000\n"));
        });
    }

    [Test]
    public async Task Log_AProcessLeftHoldingTheOutput_DoesNotHoldBackTheExit()
    {
        // Without a pid namespace the container's children outlive it, and hold its pipes.
        var (exit, lines) = await containers.RunLoggedAsync(
            NewId(),
            s => s with { Linux = s.Linux! with { Namespaces = s.Linux.Namespaces!.Where(n => n.Type != "pid").ToArray() } },
            "sh", "-c", "sleep 600 & echo bye");
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(ExitStatus.Exited(0)));
            Assert.That(lines.Select(line => ParseLogLine(line).Log), Is.EqualTo(new[] { "bye\n" }));
        });
    }

    /// <summary>Creates, starts, waits and deletes; returns the exit status and the output.</summary>
    protected Task<(ExitStatus Exit, string Output, string Error)> RunAsync(Func<OciSpec, OciSpec>? configure, params string[] args) =>
        containers.RunAsync(NewId(), configure, args);

    protected Task<CreatedContainer> CreateAsync(string id, Func<OciSpec, OciSpec>? configure, StdioMode stdio, params string[] args) =>
        containers.CreateAsync(id, configure, stdio, args);

    protected string NewId() => $"{Runtime.Name}-{Guid.NewGuid():N}"[..24];

    private static (string Log, string Stream) ParseLogLine(string line)
    {
        var root = System.Text.Json.JsonDocument.Parse(line).RootElement;
        return (root.GetProperty("log").GetString()!, root.GetProperty("stream").GetString()!);
    }

    private static OciSpec WithResources(OciSpec spec, Func<OciResources, OciResources> change) =>
        spec with { Linux = spec.Linux! with { Resources = change(spec.Linux.Resources ?? new OciResources()) } };
}
