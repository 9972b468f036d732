using System.Text.Json;
using Containers.Runtime.Spec;

namespace Containers.Cli.Tests;

/// <summary>The runc-shaped lifecycle commands, with the built-in runtime and with runc.</summary>
[NonParallelizable]
[TestFixture("builtin")]
[TestFixture("runc")]
public sealed class RuntimeLifecycleCliTests(string runtime)
{
    private const string Busybox = "/bin/busybox";
    private string work = null!;
    private string root = null!;

    private const string CgroupParent = "dotnet-containers-cli-test";

    [OneTimeTearDown]
    public async Task RemoveCgroupParent()
    {
        if (Environment.UserName == "root")
        {
            using var parent = Containers.Cgroups.Cgroup.Open(Containers.Cgroups.CgroupLayout.Current, Containers.Cgroups.CgroupPath.Parse(CgroupParent));
            await parent.DeleteAsync(TimeSpan.FromSeconds(5));
        }
    }

    [SetUp]
    public void SetUp()
    {
        if (Environment.UserName != "root")
        {
            Assert.Ignore("needs root: containers need namespaces and cgroups");
        }

        if (!File.Exists(Busybox))
        {
            Assert.Ignore("needs busybox-static (apt-get install busybox-static)");
        }

        if (runtime == "runc" && !File.Exists("/usr/sbin/runc") && !File.Exists("/usr/bin/runc"))
        {
            Assert.Ignore("needs runc: apt-get install runc");
        }

        work = Directory.CreateTempSubdirectory("cli-rt-").FullName;
        root = Path.Combine(work, "state");
    }

    [TearDown]
    public async Task TearDown()
    {
        if (work is null)
        {
            return;
        }

        var (_, listed, _) = await RunAsync("list", "--format", "json");
        var leftovers = JsonDocument.Parse(listed).RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToList();
        foreach (var id in leftovers)
        {
            await RunAsync("delete", "--force", id);
        }

        Directory.Delete(work, recursive: true);
        Assert.That(leftovers, Is.Empty, "containers the test left behind");
    }

    [Test]
    public async Task Run_Foreground_ExitsWithTheContainersExitCodeAndDeletesIt()
    {
        var bundle = MakeBundle("sh", "-c", "exit 7");

        var (code, _, stderr) = await RunAsync("run", "--bundle", bundle, "fg");

        Assert.That(code, Is.EqualTo(7), stderr);
        Assert.That((await RunAsync("list")).Stdout.Trim().Split('\n'), Has.Length.EqualTo(1), "only the header");
    }

    [Test]
    public async Task Run_KilledBySignal_ExitsWith128PlusTheSignal()
    {
        var bundle = MakeBundle("sleep", "1000");

        var run = RunAsync("run", "-b", bundle, "sig");
        await WaitForStatusAsync("sig", "running");
        await OkAsync("kill", "sig", "9");
        var (code, _, stderr) = await run.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(code, Is.EqualTo(137), stderr);
    }

    [Test]
    public async Task CreateStartStateKillDelete_FollowsTheLifecycle()
    {
        var bundle = MakeBundle("sleep", "1000");
        var pidFile = Path.Combine(work, "pid");

        var created = await RunAsync("create", "--bundle", bundle, "--pid-file", pidFile, "life");
        Assert.That(created.Code, Is.Zero, created.Stderr);
        var pid = int.Parse(await File.ReadAllTextAsync(pidFile));
        Assert.That(State(await RunAsync("state", "life")), Is.EqualTo(("created", pid)));

        await OkAsync("start", "life");
        Assert.That(State(await RunAsync("state", "life")), Is.EqualTo(("running", pid)));
        var list = await RunAsync("list");
        Assert.That(list.Stdout, Does.Contain("life").And.Contain("running"));

        var busy = await RunAsync("delete", "life");
        Assert.That(busy.Code, Is.EqualTo(1));
        Assert.That(busy.Stderr, Does.StartWith("containers: conflict: ").And.Contain("life"));

        await OkAsync("kill", "life", "KILL");
        await WaitForStatusAsync("life", "stopped");
        await OkAsync("delete", "life");
        var gone = await RunAsync("state", "life");
        Assert.That(gone.Code, Is.EqualTo(1));
        Assert.That(gone.Stderr, Does.StartWith("containers: not found: "));
    }

    [Test]
    public async Task Exec_InDetachedContainer_ExitsWithTheProcessExitCode()
    {
        var bundle = MakeBundle("sleep", "1000");
        await OkAsync("run", "--detach", "--bundle", bundle, "ex");

        var (code, _, stderr) = await RunAsync("exec", "ex", "--", "sh", "-c", "test -d /proc/1 && exit 4");

        Assert.That(code, Is.EqualTo(4), stderr);
        await OkAsync("delete", "--force", "ex");
    }

    [Test]
    public async Task PauseResumeUpdate_ChangeTheRunningContainer()
    {
        var bundle = MakeBundle("sleep", "1000");
        await OkAsync("run", "--detach", "--bundle", bundle, "pz");

        await OkAsync("pause", "pz");
        Assert.That(State(await RunAsync("state", "pz")).Status, Is.EqualTo("paused"));
        await OkAsync("resume", "pz");
        Assert.That(State(await RunAsync("state", "pz")).Status, Is.EqualTo("running"));

        var resources = Path.Combine(work, "resources.json");
        await File.WriteAllTextAsync(resources, "{\"pids\": {\"limit\": 9}}");
        await OkAsync("update", "-r", resources, "pz");
        // exec's stdio is this process's own (not the runner's writers): the answer is the exit code.
        var (code, _, stderr) = await RunAsync("exec", "pz", "--", "sh", "-c", "test \"$(cat /sys/fs/cgroup/pids/pids.max)\" = 9");
        await OkAsync("delete", "--force", "pz");

        Assert.That(code, Is.Zero, stderr);
    }

    [Test]
    public async Task Update_BadResources_NamesTheFileAndTheProblem()
    {
        var resources = Path.Combine(work, "bad.json");
        await File.WriteAllTextAsync(resources, "{\"pids\": {\"limit\": \"many\"}}");

        var (code, _, stderr) = await RunAsync("update", "-r", resources, "any");

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.StartWith("containers: invalid argument: ").And.Contain("bad.json"));
    }

    [Test]
    public async Task Kill_UnknownSignal_FailsWithTheSignalNamed()
    {
        var (code, _, stderr) = await RunAsync("kill", "any", "SIGNOPE");

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("SIGNOPE"));
    }

    private Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        CliRunner.RunAsync(["runtime", "--runtime", runtime, "--root", root, .. args]);

    /// <summary>Runs the command and fails with its stderr unless it succeeds.</summary>
    private async Task OkAsync(params string[] args)
    {
        var (code, _, stderr) = await RunAsync(args);
        Assert.That(code, Is.Zero, $"runtime {string.Join(' ', args)}: {stderr}");
    }

    private static (string Status, int Pid) State((int Code, string Stdout, string Stderr) result)
    {
        Assert.That(result.Code, Is.Zero, result.Stderr);
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        return (json.GetProperty("status").GetString()!, json.GetProperty("pid").GetInt32());
    }

    private async Task WaitForStatusAsync(string id, string status)
    {
        for (var i = 0; i < 200; i++)
        {
            var result = await RunAsync("state", id);
            if (result.Code == 0 && State(result).Status == status)
            {
                break;
            }

            await Task.Delay(25);
        }

        Assert.That(State(await RunAsync("state", id)).Status, Is.EqualTo(status));
    }

    private string MakeBundle(params string[] args)
    {
        var bundle = Path.Combine(work, "bundle");
        var bin = Path.Combine(bundle, "rootfs", "bin");
        Directory.CreateDirectory(bin);
        foreach (var dir in new[] { "proc", "sys", "dev", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(bundle, "rootfs", dir));
        }

        File.Copy(Busybox, Path.Combine(bin, "busybox"));
        foreach (var applet in new[] { "sh", "sleep", "test", "kill", "cat" })
        {
            File.CreateSymbolicLink(Path.Combine(bin, applet), "busybox");
        }

        var spec = OciSpecDefaults.Create();
        OciSpecs.Save(
            spec with
            {
                Process = spec.Process! with { Terminal = false, Args = args },
                Linux = spec.Linux! with
                {
                    Namespaces = spec.Linux.Namespaces!.Where(n => n.Type != "network").ToArray(),
                    CgroupsPath = $"{CgroupParent}/{Path.GetFileName(work)}",
                },
            },
            bundle);
        return bundle;
    }
}
