namespace Containers.Core.Tests.Cgroups;

/// <summary>Real /proc/self/mountinfo and /proc/self/cgroup texts for each cgroup layout.</summary>
internal static class CgroupSamples
{
    /// <summary>Fedora / Ubuntu 22.04+ and most CI: cgroup2 at /sys/fs/cgroup.</summary>
    internal const string PureV2MountInfo =
        "22 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
        + "23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
        + "24 22 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw\n"
        + "27 24 0:25 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n"
        + "28 24 0:26 / /sys/fs/pstore rw,nosuid,nodev,noexec,relatime shared:5 - pstore pstore rw\n";

    internal const string PureV2Cgroup = "0::/user.slice/user-1000.slice/session-3.scope\n";

    /// <summary>CentOS 7: v1 only, cpu and cpuacct co-mounted, net_cls with net_prio.</summary>
    internal const string PureV1MountInfo =
        "18 61 0:17 / /sys rw,nosuid,nodev,noexec,relatime shared:6 - sysfs sysfs rw\n"
        + "24 18 0:20 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:7 - tmpfs tmpfs ro,mode=755\n"
        + "25 24 0:21 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:8 - cgroup cgroup rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd\n"
        + "28 24 0:24 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,net_prio,net_cls\n"
        + "29 24 0:25 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,cpuacct,cpu\n"
        + "30 24 0:26 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,memory\n"
        + "31 24 0:27 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,pids\n"
        + "32 24 0:28 / /sys/fs/cgroup/freezer rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,freezer\n"
        + "33 24 0:29 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,cpuset\n"
        + "34 24 0:30 / /sys/fs/cgroup/blkio rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,blkio\n"
        + "35 24 0:31 / /sys/fs/cgroup/devices rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,devices\n";

    internal const string PureV1Cgroup =
        "11:devices:/system.slice/sshd.service\n"
        + "10:blkio:/system.slice/sshd.service\n"
        + "9:cpuset:/\n"
        + "8:freezer:/\n"
        + "7:pids:/system.slice/sshd.service\n"
        + "6:memory:/system.slice/sshd.service\n"
        + "5:cpuacct,cpu:/system.slice/sshd.service\n"
        + "4:net_prio,net_cls:/\n"
        + "1:name=systemd:/system.slice/sshd.service\n";

    /// <summary>Ubuntu 20.04: systemd's hybrid layout, cpu and cpuacct co-mounted, an empty cgroup2 at /sys/fs/cgroup/unified.</summary>
    internal const string HybridComountedMountInfo =
        "25 22 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
        + "26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate\n"
        + "27 25 0:25 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd\n"
        + "31 25 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,cpu,cpuacct\n"
        + "32 25 0:30 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,memory\n"
        + "33 25 0:31 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,pids\n";

    internal const string HybridComountedCgroup =
        "12:pids:/user.slice/user-1000.slice/session-1.scope\n"
        + "5:memory:/user.slice/user-1000.slice/session-1.scope\n"
        + "3:cpu,cpuacct:/user.slice\n"
        + "1:name=systemd:/user.slice/user-1000.slice/session-1.scope\n"
        + "0::/user.slice/user-1000.slice/session-1.scope\n";

    /// <summary>This machine: every v1 controller on its own mount, cgroup2 at /sys/fs/cgroup/unified with no controllers.</summary>
    internal const string HybridSeparateMountInfo =
        "23 27 0:22 / /sys rw,relatime - sysfs sysfs rw\n"
        + "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
        + "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
        + "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
        + "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
        + "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
        + "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
        + "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
        + "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
        + "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
        + "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
        + "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

    internal const string HybridSeparateCgroup =
        "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n"
        + "4:memory:/process_api/d0d288ff8525d6b72004f74a55d3b353\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/\n";
}
