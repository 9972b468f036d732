using Containers.Cgroups;
using Containers.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Core.Tests.Cgroups;

public sealed class CgroupLayoutTests
{
    [Test]
    public void Parse_PureV2_IsUnifiedWithTheOfferedControllers()
    {
        var layout = CgroupLayout.Parse(CgroupSamples.PureV2MountInfo, CgroupSamples.PureV2Cgroup, ["cpuset", "cpu", "io", "memory", "pids"]);

        Assert.Multiple(() =>
        {
            Assert.That(layout.Mode, Is.EqualTo(CgroupMode.Unified));
            Assert.That(layout.V1Hierarchies, Is.Empty);
            Assert.That(layout.Unified!.MountPoint, Is.EqualTo("/sys/fs/cgroup"));
            Assert.That(layout.Unified.OwnPath, Is.EqualTo("/user.slice/user-1000.slice/session-3.scope"));
            Assert.That(layout.UnifiedControllers, Does.Contain("memory"));
            Assert.That(layout.HierarchyOf("memory"), Is.SameAs(layout.Unified));
            Assert.That(layout.HierarchyOf("devices"), Is.Null);
        });
    }

    [Test]
    public void Parse_PureV1WithCoMountedCpu_FindsEachControllerAndItsOwnPath()
    {
        var layout = CgroupLayout.Parse(CgroupSamples.PureV1MountInfo, CgroupSamples.PureV1Cgroup);

        Assert.Multiple(() =>
        {
            Assert.That(layout.Mode, Is.EqualTo(CgroupMode.V1));
            Assert.That(layout.Unified, Is.Null);
            Assert.That(layout.FindV1("cpu"), Is.SameAs(layout.FindV1("cpuacct")));
            Assert.That(layout.FindV1("cpu")!.MountPoint, Is.EqualTo("/sys/fs/cgroup/cpu,cpuacct"));
            // /proc/self/cgroup lists them as "cpuacct,cpu", the mount as "cpuacct,cpu" too; either order matches.
            Assert.That(layout.FindV1("cpu")!.OwnPath, Is.EqualTo("/system.slice/sshd.service"));
            Assert.That(layout.FindV1("cpuset")!.OwnPath, Is.EqualTo("/"));
            Assert.That(layout.FindV1("memory")!.MountPoint, Is.EqualTo("/sys/fs/cgroup/memory"));
            Assert.That(layout.FindV1("name=systemd"), Is.Not.Null);
            Assert.That(layout.FindV1("net_cls"), Is.SameAs(layout.FindV1("net_prio")));
        });
    }

    [Test]
    public void Parse_HybridWithCoMountedCpu_HasV1ControllersAndAnEmptyUnifiedHierarchy()
    {
        var layout = CgroupLayout.Parse(CgroupSamples.HybridComountedMountInfo, CgroupSamples.HybridComountedCgroup, []);

        Assert.Multiple(() =>
        {
            Assert.That(layout.Mode, Is.EqualTo(CgroupMode.Hybrid));
            Assert.That(layout.Unified!.MountPoint, Is.EqualTo("/sys/fs/cgroup/unified"));
            Assert.That(layout.Unified.OwnPath, Is.EqualTo("/user.slice/user-1000.slice/session-1.scope"));
            Assert.That(layout.FindV1("cpuacct")!.MountPoint, Is.EqualTo("/sys/fs/cgroup/cpu,cpuacct"));
            Assert.That(layout.FindV1("cpu")!.OwnPath, Is.EqualTo("/user.slice"));
            Assert.That(layout.HierarchyOf("memory")!.IsUnified, Is.False);
            Assert.That(layout.HierarchyOf("io"), Is.Null);
        });
    }

    [Test]
    public void Parse_HybridWithSeparateMounts_IsThisMachinesShape()
    {
        var layout = CgroupLayout.Parse(CgroupSamples.HybridSeparateMountInfo, CgroupSamples.HybridSeparateCgroup, []);

        Assert.Multiple(() =>
        {
            Assert.That(layout.Mode, Is.EqualTo(CgroupMode.Hybrid));
            Assert.That(layout.FindV1("cpu"), Is.Not.SameAs(layout.FindV1("cpuacct")));
            Assert.That(layout.FindV1("cpuacct")!.MountPoint, Is.EqualTo("/sys/fs/cgroup/cpuacct"));
            Assert.That(layout.FindV1("memory")!.OwnPath, Is.EqualTo("/process_api/d0d288ff8525d6b72004f74a55d3b353"));
            Assert.That(layout.FindV1("pids")!.OwnPath, Is.EqualTo("/"));
            Assert.That(layout.V1Hierarchies, Has.Count.EqualTo(9));
            Assert.That(layout.UnifiedControllers, Is.Empty);
        });
    }

    [Test]
    public void Parse_NoCgroupMount_IsUnavailable()
    {
        var error = Assert.Throws<UnavailableException>(() =>
            CgroupLayout.Parse("22 1 252:1 / / rw - ext4 /dev/vda1 rw\n", "0::/\n"));

        Assert.That(error!.Message, Does.Contain("no cgroup filesystem"));
    }

    [Test]
    public void Parse_OnlyANamedHierarchy_IsUnavailable()
    {
        Assert.Throws<UnavailableException>(() => CgroupLayout.Parse(
            "27 25 0:25 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd\n",
            "1:name=systemd:/\n"));
    }

    [Test]
    public void Parse_MalformedProcCgroupLine_FailsNamingIt()
    {
        var error = Assert.Throws<InvalidArgumentException>(() => CgroupLayout.Parse(CgroupSamples.PureV2MountInfo, "garbage\n"));

        Assert.That(error!.Message, Does.Contain("\"garbage\""));
    }

    [Test]
    public void DirectoryOf_MountRootedBelowTheHierarchyRoot_StripsTheMountRoot()
    {
        // Inside a container that bind-mounts its own cgroup as the hierarchy root.
        var layout = CgroupLayout.Parse(
            "40 31 0:32 /docker/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n",
            "4:memory:/docker/abc\n");
        var cgroup = layout.FindV1("memory")!;

        Assert.That(cgroup.DirectoryOf("/docker/abc/child"), Is.EqualTo("/sys/fs/cgroup/memory/child"));
        Assert.That(cgroup.DirectoryOf("/docker/abc"), Is.EqualTo("/sys/fs/cgroup/memory"));
    }

    [Test]
    public void Detect_OnThisMachine_MatchesProcSelfCgroup()
    {
        var layout = CgroupLayout.Detect();
        var memoryLine = File.ReadAllLines("/proc/self/cgroup").FirstOrDefault(l => l.Split(':')[1] == "memory");

        Assert.That(layout, Is.Not.Null);
        if (memoryLine is not null)
        {
            Assert.That(layout.FindV1("memory")!.OwnPath, Is.EqualTo(memoryLine.Split(':')[2]));
            Assert.That(Directory.Exists(layout.FindV1("memory")!.DirectoryOf(layout.FindV1("memory")!.OwnPath)), Is.True);
        }

        if (layout.Unified is { } unified)
        {
            var offered = File.ReadAllText(Path.Join(unified.DirectoryOf(unified.OwnPath), "cgroup.controllers")).Split(' ', '\n').Where(s => s.Length > 0);
            Assert.That(layout.UnifiedControllers, Is.EquivalentTo(offered));
        }

        Assert.That(CgroupLayout.Current.Mode, Is.EqualTo(layout.Mode));
    }

    [Test]
    public void AddContainersCore_RegistersTheDetectedLayout()
    {
        using var provider = new ServiceCollection().AddContainersCore().BuildServiceProvider();

        Assert.That(provider.GetRequiredService<CgroupLayout>(), Is.SameAs(CgroupLayout.Current));
    }
}
