using Containers.Errors;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime.Spec;

public sealed class OciSpecValidatorTests
{
    private string _bundle = null!;

    [SetUp]
    public void SetUp()
    {
        _bundle = Directory.CreateTempSubdirectory("spec-validate-").FullName;
        Directory.CreateDirectory(Path.Combine(_bundle, "rootfs"));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_bundle, recursive: true);

    private static OciSpec Valid => OciSpecDefaults.Create();

    private static OciSpec WithProcess(Func<OciProcess, OciProcess> change) => Valid with { Process = change(Valid.Process!) };

    private static OciSpec WithLinux(Func<OciLinux, OciLinux> change) => Valid with { Linux = change(Valid.Linux!) };

    private static OciSpec WithNamespaces(params string[] types) =>
        WithLinux(l => l with { Namespaces = types.Select(t => new OciNamespace { Type = t }).ToArray() });

    private string Invalid(OciSpec spec)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => OciSpecValidator.Validate(spec, _bundle))!;
        return e.Message;
    }

    private void IsValid(OciSpec spec) => Assert.DoesNotThrow(() => OciSpecValidator.Validate(spec, _bundle));

    [Test]
    public void Validate_DefaultSpecWithRootfs_Passes() => IsValid(Valid);

    [Test]
    public void Validate_NoProcess_SaysProcessIsMissing() =>
        Assert.That(Invalid(Valid with { Process = null }), Does.StartWith("process is missing"));

    [Test]
    public void Validate_EmptyArgs_NamesProcessArgs() =>
        Assert.That(Invalid(WithProcess(p => p with { Args = [] })), Does.StartWith("process.args is empty").And.Contain("[\"sh\"]"));

    [Test]
    public void Validate_EmptyProgramName_NamesArgsZero() =>
        Assert.That(Invalid(WithProcess(p => p with { Args = [""] })), Does.StartWith("process.args[0] is empty"));

    [Test]
    public void Validate_RelativeCwd_NamesTheValue() =>
        Assert.That(Invalid(WithProcess(p => p with { Cwd = "work" })), Does.StartWith("process.cwd \"work\" is not absolute"));

    [Test]
    public void Validate_NoRoot_SaysRootPathIsMissing() =>
        Assert.That(Invalid(Valid with { Root = null }), Does.StartWith("root.path is missing"));

    [Test]
    public void Validate_RootPathThatDoesNotExist_NamesTheResolvedPath()
    {
        var message = Invalid(Valid with { Root = new OciRoot { Path = "nowhere" } });

        Assert.That(message, Does.Contain("\"nowhere\"").And.Contain(Path.Combine(_bundle, "nowhere")).And.Contain("does not exist"));
    }

    [Test]
    public void Validate_RootPathThatIsAFile_SaysItIsNotADirectory()
    {
        File.WriteAllText(Path.Combine(_bundle, "rootfs.tar"), "x");

        Assert.That(Invalid(Valid with { Root = new OciRoot { Path = "rootfs.tar" } }), Does.Contain("is a file, not a directory"));
    }

    [Test]
    public void Validate_AbsoluteRootPath_IsNotTakenFromTheBundle() =>
        IsValid(Valid with { Root = new OciRoot { Path = Path.Combine(_bundle, "rootfs") } });

    [Test]
    public void Validate_UnknownNamespaceType_NamesItAndTheSpellingToUse()
    {
        var message = Invalid(WithNamespaces("pid", "net", "uts"));

        Assert.That(message, Does.StartWith("linux.namespaces[1].type \"net\" is not a namespace type").And.Contain("network"));
    }

    [Test]
    public void Validate_DuplicateNamespace_NamesTheSecondEntry() =>
        Assert.That(Invalid(WithNamespaces("pid", "uts", "pid")), Does.StartWith("linux.namespaces[2] lists \"pid\" a second time"));

    [Test]
    public void Validate_RelativeNamespacePath_SuggestsAProcPath()
    {
        var spec = WithLinux(l => l with { Namespaces = [new OciNamespace { Type = "network", Path = "netns/x" }, new OciNamespace { Type = "uts" }] });

        Assert.That(Invalid(spec), Does.Contain("\"netns/x\" is not absolute").And.Contain("/proc/<pid>/ns/net"));
    }

    [Test]
    public void Validate_TimeNamespace_IsAKnownType() => IsValid(WithNamespaces("uts", "time", "cgroup"));

    [Test]
    public void Validate_RelativeMountDestination_NamesTheMount()
    {
        var spec = Valid with { Mounts = [new OciMount { Destination = "data", Type = "tmpfs", Source = "tmpfs" }] };

        Assert.That(Invalid(spec), Does.StartWith("mounts[0].destination \"data\" is not absolute").And.Contain("\"/data\""));
    }

    [Test]
    public void Validate_UnsupportedMountOption_NamesTheMountAndTheOption()
    {
        var spec = Valid with { Mounts = [new OciMount { Destination = "/tmp", Type = "tmpfs", Options = ["tmpcopyup"] }] };

        Assert.That(Invalid(spec), Does.StartWith("mounts[0] (/tmp): mount option \"tmpcopyup\" is not supported"));
    }

    [Test]
    public void Validate_UnknownCapability_NamesTheSetAndIndex()
    {
        var spec = WithProcess(p => p with { Capabilities = new OciCapabilities { Bounding = ["CAP_KILL", "CAP_FLY"] } });

        Assert.That(Invalid(spec), Does.StartWith("process.capabilities.bounding[1] \"CAP_FLY\" is not a Linux capability"));
    }

    [Test]
    public void Validate_CapabilityWithoutPrefix_SaysHowToWriteIt()
    {
        var spec = WithProcess(p => p with { Capabilities = new OciCapabilities { Ambient = ["net_raw"] } });

        Assert.That(Invalid(spec), Does.Contain("ambient[0]").And.Contain("write it as \"CAP_NET_RAW\""));
    }

    [Test]
    public void Validate_UnknownRlimit_ListsTheKnownOnes()
    {
        var spec = WithProcess(p => p with { Rlimits = [new OciRlimit { Type = "RLIMIT_FILES", Hard = 1, Soft = 1 }] });

        Assert.That(Invalid(spec), Does.StartWith("process.rlimits[0].type \"RLIMIT_FILES\"").And.Contain("RLIMIT_NOFILE"));
    }

    [Test]
    public void Validate_RlimitSoftAboveHard_GivesBothValues()
    {
        var spec = WithProcess(p => p with { Rlimits = [new OciRlimit { Type = "RLIMIT_NOFILE", Hard = 10, Soft = 20 }] });

        Assert.That(Invalid(spec), Does.Contain("soft 20 above hard 10"));
    }

    [Test]
    public void Validate_SameRlimitTwice_NamesTheSecond()
    {
        var spec = WithProcess(p => p with
        {
            Rlimits = [new OciRlimit { Type = "RLIMIT_NOFILE", Hard = 1, Soft = 1 }, new OciRlimit { Type = "RLIMIT_NOFILE", Hard = 2, Soft = 2 }],
        });

        Assert.That(Invalid(spec), Does.StartWith("process.rlimits[1] sets RLIMIT_NOFILE a second time"));
    }

    [Test]
    public void Validate_NewUserNamespaceWithoutGidMappings_AsksForThem()
    {
        var spec = WithLinux(l => l with
        {
            Namespaces = [.. l.Namespaces!, new OciNamespace { Type = "user" }],
            UidMappings = [new OciIdMapping { ContainerId = 0, HostId = 100000, Size = 65536 }],
        });

        Assert.That(Invalid(spec), Does.Contain("gidMappings is empty"));
    }

    [Test]
    public void Validate_JoinedUserNamespaceWithoutMappings_Passes() =>
        IsValid(WithLinux(l => l with { Namespaces = [.. l.Namespaces!, new OciNamespace { Type = "user", Path = "/proc/1/ns/user" }] }));

    [Test]
    public void Validate_MappingsWithoutUserNamespace_SaysToAddOne()
    {
        var spec = WithLinux(l => l with { UidMappings = [new OciIdMapping { ContainerId = 0, HostId = 1000, Size = 1 }] });

        Assert.That(Invalid(spec), Does.Contain("no user namespace is requested").And.Contain("\"user\""));
    }

    private static OciSpec WithUserNamespace(OciIdMapping[] uids, OciIdMapping[] gids) => WithLinux(l => l with
    {
        Namespaces = [.. l.Namespaces!, new OciNamespace { Type = "user" }],
        UidMappings = uids,
        GidMappings = gids,
    });

    [Test]
    public void Validate_UidMappingsOverlappingInTheContainer_NamesBothEntries()
    {
        var spec = WithUserNamespace(
            [new OciIdMapping { ContainerId = 0, HostId = 100000, Size = 1000 }, new OciIdMapping { ContainerId = 999, HostId = 300000, Size = 10 }],
            [new OciIdMapping { ContainerId = 0, HostId = 100000, Size = 65536 }]);

        Assert.That(Invalid(spec), Does.StartWith("linux.uidMappings[0] and [1] overlap in the container's ids"));
    }

    [Test]
    public void Validate_GidMappingsOverlappingOnTheHost_NamesBothEntries()
    {
        var spec = WithUserNamespace(
            [new OciIdMapping { ContainerId = 0, HostId = 100000, Size = 65536 }],
            [new OciIdMapping { ContainerId = 0, HostId = 100000, Size = 10 }, new OciIdMapping { ContainerId = 10, HostId = 100005, Size = 10 }]);

        Assert.That(Invalid(spec), Does.StartWith("linux.gidMappings[0] and [1] overlap in the host's ids"));
    }

    [Test]
    public void Validate_AdjacentMappings_Pass() => IsValid(WithUserNamespace(
        [new OciIdMapping { ContainerId = 0, HostId = 1000, Size = 1 }, new OciIdMapping { ContainerId = 1, HostId = 100000, Size = 65535 }],
        [new OciIdMapping { ContainerId = 0, HostId = 1000, Size = 1 }, new OciIdMapping { ContainerId = 1, HostId = 100000, Size = 65535 }]));

    [Test]
    public void Validate_MappingOfSizeZero_IsRefused() => Assert.That(
        Invalid(WithUserNamespace([new OciIdMapping { ContainerId = 0, HostId = 1, Size = 0 }], [new OciIdMapping { ContainerId = 0, HostId = 1, Size = 1 }])),
        Does.StartWith("linux.uidMappings[0] has size 0"));

    [Test]
    public void Validate_HostnameWithoutUtsNamespace_IsRefusedAsRuncDoes()
    {
        var message = Invalid(WithNamespaces("pid", "mount"));

        Assert.That(message, Does.StartWith("hostname \"runc\" cannot be set without a private UTS namespace"));
    }

    [Test]
    public void Validate_NoHostnameAndNoUtsNamespace_Passes() => IsValid(WithNamespaces("pid", "mount") with { Hostname = null });

    [Test]
    public void Validate_HostnameLongerThan64Bytes_IsRefused() =>
        Assert.That(Invalid(Valid with { Hostname = new string('h', 65) }), Does.Contain("longer than the kernel's 64 bytes"));

    [Test]
    public void Validate_DomainnameWithoutUtsNamespace_IsRefused() =>
        Assert.That(Invalid(WithNamespaces("pid") with { Hostname = null, Domainname = "example.org" }), Does.StartWith("domainname \"example.org\""));

    private static OciSpec WithSysctl(string name, params string[] namespaces) =>
        WithNamespaces(namespaces) with { Hostname = null, Linux = WithNamespaces(namespaces).Linux! with { Sysctl = new Dictionary<string, string> { [name] = "1" } } };

    [Test]
    public void Validate_IpcSysctlWithoutIpcNamespace_IsRefused() =>
        Assert.That(Invalid(WithSysctl("kernel.shmmax", "pid", "network")), Does.StartWith("linux.sysctl \"kernel.shmmax\" would change the host's IPC namespace"));

    [Test]
    public void Validate_MqueueSysctlWithoutIpcNamespace_IsRefused() =>
        Assert.That(Invalid(WithSysctl("fs.mqueue.msg_max", "pid")), Does.Contain("IPC namespace"));

    [Test]
    public void Validate_NetSysctlWithoutNetworkNamespace_IsRefused() =>
        Assert.That(Invalid(WithSysctl("net.ipv4.ip_forward", "ipc")), Does.StartWith("linux.sysctl \"net.ipv4.ip_forward\" would change the host's network namespace"));

    [Test]
    public void Validate_NetSysctlJoiningOurOwnNetworkNamespace_IsRefusedAsTheHosts()
    {
        var spec = Valid with
        {
            Hostname = null,
            Linux = Valid.Linux! with
            {
                Namespaces = [new OciNamespace { Type = "network", Path = "/proc/self/ns/net" }],
                Sysctl = new Dictionary<string, string> { ["net.core.somaxconn"] = "256" },
            },
        };

        Assert.That(Invalid(spec), Does.Contain("host's network namespace"));
    }

    [Test]
    public void Validate_KernelHostnameSysctl_PointsAtTheHostnameField() =>
        Assert.That(Invalid(WithSysctl("kernel.hostname", "uts")), Does.Contain("set \"hostname\" instead"));

    [Test]
    public void Validate_SysctlOfNoNamespace_IsRefused() =>
        Assert.That(Invalid(WithSysctl("vm.swappiness", "ipc", "network", "uts")), Does.StartWith("linux.sysctl \"vm.swappiness\" is not in a namespace"));

    [Test]
    public void Validate_NamespacedSysctls_PassWithTheirNamespaces()
    {
        var spec = Valid with
        {
            Linux = Valid.Linux! with
            {
                Sysctl = new Dictionary<string, string>
                {
                    ["kernel.msgmax"] = "8192", ["fs.mqueue.queues_max"] = "256", ["net.ipv4.ip_forward"] = "1", ["kernel.domainname"] = "x",
                },
            },
        };

        IsValid(spec);
    }

    [Test]
    public void Validate_DeviceOfUnknownType_ListsTheTypes()
    {
        var spec = WithLinux(l => l with { Devices = [new OciDevice { Path = "/dev/fuse", Type = "x", Major = 10, Minor = 229 }] });

        Assert.That(Invalid(spec), Does.StartWith("linux.devices[0] (/dev/fuse) has type \"x\"").And.Contain("\"p\" (FIFO)"));
    }

    [Test]
    public void Validate_DeviceWithRelativePath_IsRefused()
    {
        var spec = WithLinux(l => l with { Devices = [new OciDevice { Path = "dev/fuse", Type = "c", Major = 10, Minor = 229 }] });

        Assert.That(Invalid(spec), Does.StartWith("linux.devices[0].path \"dev/fuse\" is not absolute"));
    }

    [Test]
    public void Validate_UnknownRootfsPropagation_ListsTheModes() =>
        Assert.That(Invalid(WithLinux(l => l with { RootfsPropagation = "recursive" })), Does.StartWith("linux.rootfsPropagation \"recursive\"").And.Contain("rslave"));
}
