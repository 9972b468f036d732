using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime.Spec;

public sealed class OciSpecJsonTests
{
    /// <summary>A spec with every field of the model set to a value that is not its default.</summary>
    internal static OciSpec Full() => new()
    {
        OciVersion = "1.0.2",
        Process = new OciProcess
        {
            Terminal = true,
            ConsoleSize = new OciBox { Height = 24, Width = 80 },
            User = new OciUser { Uid = 1000, Gid = 1001, Umask = 18, AdditionalGids = [5, 6], Username = "app" },
            Args = ["/bin/app", "--flag"],
            CommandLine = "app --flag",
            Env = ["A=1"],
            Cwd = "/work",
            Capabilities = new OciCapabilities
            {
                Bounding = ["CAP_CHOWN"],
                Effective = ["CAP_KILL"],
                Inheritable = ["CAP_SETUID"],
                Permitted = ["CAP_SETGID"],
                Ambient = ["CAP_NET_RAW"],
            },
            Rlimits = [new OciRlimit { Type = "RLIMIT_CORE", Hard = 10, Soft = 5 }],
            NoNewPrivileges = true,
            ApparmorProfile = "docker-default",
            OomScoreAdj = -500,
            SelinuxLabel = "system_u:system_r:container_t:s0",
        },
        Root = new OciRoot { Path = "/var/lib/box/rootfs", Readonly = true },
        Hostname = "box",
        Domainname = "example.org",
        Mounts = [new OciMount { Destination = "/data", Type = "bind", Source = "/srv/data", Options = ["rbind", "ro"] }],
        Hooks = new OciHooks
        {
            Prestart = [Hook("prestart")],
            CreateRuntime = [Hook("createRuntime")],
            CreateContainer = [Hook("createContainer")],
            StartContainer = [Hook("startContainer")],
            Poststart = [Hook("poststart")],
            Poststop = [Hook("poststop")],
        },
        Annotations = new Dictionary<string, string> { ["org.example.key"] = "value" },
        Linux = new OciLinux
        {
            UidMappings = [new OciIdMapping { ContainerId = 0, HostId = 100000, Size = 65536 }],
            GidMappings = [new OciIdMapping { ContainerId = 0, HostId = 200000, Size = 65536 }],
            Sysctl = new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "1" },
            Resources = new OciResources
            {
                Devices = [new OciDeviceCgroup { Allow = true, Type = "c", Major = 10, Minor = 200, Access = "rwm" }],
                Memory = new OciMemory { Limit = 1 << 30, Reservation = 1 << 29, Swap = 1L << 31, Swappiness = 10, DisableOomKiller = true },
                Cpu = new OciCpu { Shares = 512, Quota = 50000, Period = 100000, Cpus = "0-1", Mems = "0" },
                Pids = new OciPids { Limit = 100 },
                BlockIo = new OciBlockIo
                {
                    Weight = 500,
                    ThrottleReadBpsDevice = [Throttle(1)],
                    ThrottleWriteBpsDevice = [Throttle(2)],
                    ThrottleReadIopsDevice = [Throttle(3)],
                    ThrottleWriteIopsDevice = [Throttle(4)],
                },
                Unified = new Dictionary<string, string> { ["memory.high"] = "max" },
            },
            CgroupsPath = "/box/one",
            Namespaces = [new OciNamespace { Type = "network", Path = "/var/run/netns/box" }],
            Devices = [new OciDevice { Path = "/dev/fuse", Type = "c", Major = 10, Minor = 229, FileMode = 438, Uid = 1, Gid = 2 }],
            Seccomp = JsonDocument.Parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"kexec_load\"],\"action\":\"SCMP_ACT_ERRNO\"}]}").RootElement,
            RootfsPropagation = "rslave",
            MaskedPaths = ["/proc/kcore"],
            ReadonlyPaths = ["/proc/sys"],
            MountLabel = "system_u:object_r:container_file_t:s0",
        },
    };

    private static OciHook Hook(string name) => new() { Path = $"/usr/bin/{name}", Args = [name, "x"], Env = ["K=V"], Timeout = 5 };

    private static OciThrottleDevice Throttle(ulong rate) => new() { Major = 8, Minor = 0, Rate = rate };

    [Test]
    public void Full_SetsEveryPropertyTheModelHas()
    {
        var missing = new List<string>();

        CollectMissing(OciJsonContext.Default.OciSpec, SpecJson.ToNode(Full()), "$", missing);

        Assert.That(missing, Is.Empty, "the full sample leaves these fields unset, so the round trip would not cover them");
    }

    [Test]
    public void FullSpec_RoundTripsThroughJson_WithEveryFieldKept()
    {
        var json = JsonSerializer.Serialize(Full(), OciJsonContext.Default.OciSpec);

        var back = JsonSerializer.Deserialize(json, OciJsonContext.Default.OciSpec)!;

        Assert.That(SpecJson.FirstDifference(SpecJson.ToNode(Full()), SpecJson.ToNode(back)), Is.Null);
        Assert.That(back.Process!.User.AdditionalGids, Is.EqualTo(new uint[] { 5, 6 }));
        Assert.That(back.Linux!.Seccomp!.Value.GetProperty("syscalls")[0].GetProperty("names")[0].GetString(), Is.EqualTo("kexec_load"));
        Assert.That(back.Linux.Resources!.BlockIo!.ThrottleWriteIopsDevice!.Single().Rate, Is.EqualTo(4));
        Assert.That(back.Hooks!.Poststop!.Single().Timeout, Is.EqualTo(5));
    }

    [Test]
    public void FullSpec_UsesTheRuntimeSpecsPropertyNames()
    {
        var json = JsonSerializer.Serialize(Full(), OciJsonContext.Default.OciSpec);

        Assert.That(json, Does.Contain("\"containerID\"").And.Contain("\"hostID\"").And.Contain("\"disableOOMKiller\"")
            .And.Contain("\"blockIO\"").And.Contain("\"throttleReadIOPSDevice\"").And.Contain("\"oomScoreAdj\"")
            .And.Contain("\"createRuntime\"").And.Contain("\"rootfsPropagation\""));
    }

    [Test]
    public void Deserialize_MinimalSpec_GivesTheSpecsDefaults()
    {
        var spec = SpecJson.Parse("{\"ociVersion\": \"1.0.0\", \"process\": {\"args\": [\"true\"]}}");

        Assert.That(spec.OciVersion, Is.EqualTo("1.0.0"));
        Assert.That(spec.Process!.Cwd, Is.EqualTo("/"));
        Assert.That(spec.Process.User, Is.EqualTo(new OciUser()));
        Assert.That(spec.Linux, Is.Null);
    }

    [Test]
    public void Deserialize_WithoutOciVersionOrUser_KeepsTheNonNullDefaults()
    {
        // The source-generated reader passes null for absent init-only properties; the model restores its defaults.
        var spec = SpecJson.Parse("{\"process\": {\"args\": [\"true\"], \"cwd\": null}}");

        Assert.That(spec.OciVersion, Is.EqualTo(OciSpec.Version));
        Assert.That(spec.Process!.User, Is.Not.Null);
        Assert.That(spec.Process.Cwd, Is.EqualTo("/"));
    }

    [Test]
    public void FieldsTheModelDoesNotName_SurviveALoadAndSave()
    {
        const string json = """
            {
              "ociVersion": "1.2.0",
              "process": { "terminal": false, "args": ["sh"], "cwd": "/", "noNewPrivileges": false, "scheduler": { "policy": "SCHED_IDLE" }, "user": { "uid": 0, "gid": 0, "extra": 1 } },
              "mounts": [{ "destination": "/m", "uidMappings": [{ "containerID": 0, "hostID": 1, "size": 1 }] }],
              "linux": {
                "personality": { "domain": "LINUX32" },
                "resources": { "hugepageLimits": [{ "pageSize": "2MB", "limit": 0 }], "memory": { "kernel": 5 }, "cpu": { "idle": 1 }, "blockIO": { "leafWeight": 10 } }
              },
              "vm": { "hypervisor": { "path": "/x" } }
            }
            """;

        var written = JsonSerializer.Serialize(SpecJson.Parse(json), OciJsonContext.Default.OciSpec);

        Assert.That(SpecJson.FirstDifference(JsonNode.Parse(json), JsonNode.Parse(written)), Is.Null);
    }

    private static void CollectMissing(JsonTypeInfo info, JsonNode? node, string path, List<string> missing)
    {
        if (info.Kind == JsonTypeInfoKind.Enumerable && node is JsonArray array && info.ElementType is { } element)
        {
            if (array.Count == 0)
            {
                missing.Add($"{path}[]");
            }

            foreach (var item in array)
            {
                CollectMissing(OciJsonContext.Default.GetTypeInfo(element)!, item, $"{path}[]", missing);
            }

            return;
        }

        if (info.Kind != JsonTypeInfoKind.Object || info.Type.Namespace != typeof(OciSpec).Namespace)
        {
            return;
        }

        var obj = node as JsonObject;
        foreach (var property in info.Properties.Where(p => !p.IsExtensionData))
        {
            if (obj is null || !obj.TryGetPropertyValue(property.Name, out var value) || value is null)
            {
                missing.Add($"{path}.{property.Name}");
                continue;
            }

            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (OciJsonContext.Default.GetTypeInfo(type) is { } child)
            {
                CollectMissing(child, value, $"{path}.{property.Name}", missing);
            }
        }
    }
}
