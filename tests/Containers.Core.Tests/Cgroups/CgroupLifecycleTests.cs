using Containers.Cgroups;
using Containers.Errors;

namespace Containers.Core.Tests.Cgroups;

public sealed class CgroupLifecycleTests : CgroupTest
{
    [Test]
    public void Create_RelativePath_MakesTheCgroupUnderOurOwnCgroupInEveryHierarchy()
    {
        var cgroup = CreateCgroup();

        Assert.That(cgroup.Exists, Is.True);
        foreach (var hierarchy in Layout.V1Hierarchies.Where(h => !h.Controllers[0].StartsWith("name=", StringComparison.Ordinal)))
        {
            var expected = Path.Join(hierarchy.DirectoryOf(hierarchy.OwnPath), TestPath.Value);
            Assert.That(Directory.Exists(expected), Is.True, $"missing in {hierarchy.MountPoint}");
            Assert.That(cgroup.Directories, Does.Contain(expected));
        }

        if (Layout.Unified is { } unified)
        {
            Assert.That(Directory.Exists(Path.Join(unified.DirectoryOf(unified.OwnPath), TestPath.Value)), Is.True, "hybrid and v2 track processes in the unified hierarchy");
        }

        Assert.That(cgroup.ProcsFiles, Has.Count.EqualTo(cgroup.Directories.Count).And.All.EndWith("/cgroup.procs"));
    }

    [Test]
    public void Create_OnThisHostsMemoryHierarchy_LandsUnderProcessApi()
    {
        RequireV1("memory");
        var own = Layout.FindV1("memory")!.OwnPath;
        var cgroup = CreateCgroup();

        Assert.That(V1Directory(cgroup, "memory"), Is.EqualTo($"{Layout.FindV1("memory")!.MountPoint}{own.TrimEnd('/')}/{TestPath.Value}"));
    }

    [Test]
    public void Create_NewV1Cpuset_InheritsTheParentsCpusAndMems()
    {
        RequireV1("cpuset");
        var cgroup = CreateCgroup();
        var directory = V1Directory(cgroup, "cpuset");

        Assert.That(ReadFile(directory, "cpuset.cpus"), Is.EqualTo(ReadFile(Path.GetDirectoryName(directory)!, "cpuset.cpus")).And.Not.Empty);
        Assert.That(ReadFile(directory, "cpuset.mems"), Is.Not.Empty);
    }

    [Test]
    public void Open_ExistingCgroup_SeesTheSameDirectoriesAndMissingOneIsNotFound()
    {
        var created = CreateCgroup();
        using var opened = Cgroup.Open(Layout, TestPath);

        Assert.That(opened.Directories, Is.EqualTo(created.Directories));
        Assert.Throws<NotFoundException>(() => Cgroup.Open(Layout, CgroupPath.Parse(CgroupLeakCheck.Prefix + "never-" + Guid.NewGuid().ToString("N"))));
    }

    [Test]
    public void AddProcess_MovesThePidIntoEveryHierarchy()
    {
        var cgroup = CreateCgroup();
        var process = Start("sleep", "30");

        cgroup.AddProcess(process.Id);

        Assert.That(cgroup.GetPids(), Is.EqualTo(new[] { process.Id }));
        foreach (var procs in cgroup.ProcsFiles)
        {
            Assert.That(File.ReadAllLines(procs), Does.Contain(process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), procs);
        }
    }

    [Test]
    public void AddProcess_PidThatDoesNotExist_FailsNamingTheCgroupAndFile()
    {
        var cgroup = CreateCgroup();

        var error = Assert.Catch<Exception>(() => cgroup.AddProcess(int.MaxValue - 1));

        Assert.That(error!.Message, Does.Contain(TestPath.Value).And.Contain("cgroup.procs"));
    }

    [Test]
    public async Task DeleteAsync_WaitsUntilTheLastProcessHasExited()
    {
        var cgroup = CreateCgroup();
        var process = StartIn(cgroup, "sleep 0.5");
        Assert.That(cgroup.GetPids(), Is.Not.Empty);

        await cgroup.DeleteAsync(TimeSpan.FromSeconds(10));

        // Exited, as the kernel sees it: .NET may not have reaped it yet, so HasExited can lag.
        Assert.That(HasExited(process.Id), Is.True, "deleted while a process was still inside");
        Assert.That(cgroup.Exists, Is.False);
        Assert.That(cgroup.Directories.Any(Directory.Exists), Is.False);
    }

    [Test]
    public async Task DeleteAsync_ProcessThatStays_TimesOutNamingThePid()
    {
        var cgroup = CreateCgroup();
        var process = StartIn(cgroup, "exec sleep 60");

        var error = Assert.ThrowsAsync<ConflictException>(() => cgroup.DeleteAsync(TimeSpan.FromMilliseconds(200)));

        Assert.That(error!.Message, Does.Contain(process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).And.Contain("KillAll"));
        Assert.That(cgroup.Exists, Is.True);
        cgroup.KillAll();
        await cgroup.DeleteAsync(TimeSpan.FromSeconds(10));
        Assert.That(cgroup.Exists, Is.False);
    }

    [Test]
    public async Task DeleteAsync_Twice_IsFine()
    {
        var cgroup = CreateCgroup();

        await cgroup.DeleteAsync(TimeSpan.FromSeconds(5));
        await cgroup.DeleteAsync(TimeSpan.FromSeconds(5));

        Assert.That(cgroup.Exists, Is.False);
    }

    [Test]
    public async Task DeleteAsync_WithChildren_RemovesChildrenFirst()
    {
        var cgroup = CreateCgroup();
        using var child = cgroup.CreateChild("child");
        using var grandchild = child.CreateChild("grandchild");
        var process = StartIn(grandchild, "exec sleep 60");

        Assert.That(grandchild.Directories.All(Directory.Exists), Is.True);
        cgroup.KillAll();
        Assert.That(await ExitsWithin(process, TimeSpan.FromSeconds(5)), Is.True, "KillAll reaches grandchildren");
        await cgroup.DeleteAsync(TimeSpan.FromSeconds(10));

        Assert.That(child.Exists, Is.False);
        Assert.That(cgroup.Exists, Is.False);
    }

    [Test]
    public void KillAll_KillsEveryProcessInTheCgroup()
    {
        var cgroup = CreateCgroup();
        var processes = Enumerable.Range(0, 3).Select(_ => StartIn(cgroup, "exec sleep 60")).ToList();
        Assert.That(cgroup.GetPids(), Has.Count.EqualTo(3));

        cgroup.KillAll();

        foreach (var process in processes)
        {
            Assert.That(process.WaitForExit(5000), Is.True, $"pid {process.Id} survived KillAll");
            Assert.That(process.ExitCode, Is.EqualTo(137), "SIGKILL");
        }
    }

    [Test]
    public void KillAll_OtherSignal_FreezesSignalsEachAndThaws()
    {
        var cgroup = CreateCgroup();
        var process = StartIn(cgroup, "exec sleep 60");

        cgroup.KillAll(signal: 15);

        Assert.That(process.WaitForExit(5000), Is.True);
        Assert.That(process.ExitCode, Is.EqualTo(143), "SIGTERM");
        if (Layout.FindV1("freezer") is not null)
        {
            Assert.That(ReadFile(V1Directory(cgroup, "freezer"), "freezer.state"), Is.EqualTo("THAWED"));
        }
    }

    [Test]
    public void FreezeAndThaw_StopAndResumeABusyProcess()
    {
        var cgroup = CreateCgroup();
        var process = StartIn(cgroup, "while :; do :; done");
        Thread.Sleep(100);

        cgroup.Freeze();
        var frozenAt = cgroup.ReadStats().Cpu.UsageNanoseconds;
        Thread.Sleep(300);
        var stillFrozen = cgroup.ReadStats().Cpu.UsageNanoseconds;
        if (Layout.FindV1("freezer") is not null)
        {
            Assert.That(ReadFile(V1Directory(cgroup, "freezer"), "freezer.state"), Is.EqualTo("FROZEN"));
        }

        cgroup.Thaw();
        Thread.Sleep(300);
        var thawed = cgroup.ReadStats().Cpu.UsageNanoseconds;

        Assert.That(stillFrozen - frozenAt, Is.LessThan(20_000_000UL), "a frozen process burnt CPU");
        Assert.That(thawed - stillFrozen, Is.GreaterThan(50_000_000UL), "the thawed process did not run");
        Assert.That(process.HasExited, Is.False);
    }

    [Test]
    public void CreateChild_BadName_IsRejectedBeforeAnythingIsMade()
    {
        var cgroup = CreateCgroup();

        Assert.Throws<InvalidArgumentException>(() => cgroup.CreateChild(".."));
        Assert.Throws<InvalidArgumentException>(() => cgroup.CreateChild("a/b"));
        Assert.That(cgroup.Directories.SelectMany(Directory.GetDirectories), Is.Empty);
    }

    [Test]
    public void Delegate_ChownsTheDirectoryAndItsControlFiles()
    {
        var cgroup = CreateCgroup();
        using var child = Track(cgroup.CreateChild("delegated"));

        child.Delegate(1234, 5678);

        foreach (var path in child.Directories.Concat(child.ProcsFiles))
        {
            using var handle = Containers.Linux.PosixFs.OpenAt(null, path, Containers.Linux.LibC.O_RDONLY);
            var status = Containers.Linux.PosixFs.Stat(handle);
            Assert.That((status.Uid, status.Gid), Is.EqualTo((1234u, 5678u)), path);
        }
    }

    /// <summary>Whether the process is gone or a zombie (it has exited; only its parent's wait is left).</summary>
    private static bool HasExited(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is 'Z' or 'X';
        }
        catch (IOException)
        {
            // No such process any more.
            return true;
        }
    }
}
