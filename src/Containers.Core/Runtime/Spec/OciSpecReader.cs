using System.Text.Json;
using Containers.Errors;

namespace Containers.Runtime.Spec;

/// <summary>
/// Reads a config.json into the model from a <see cref="JsonDocument"/>. Every runtime start
/// reads one, and in a NativeAOT process the source-generated serializer spends ~1.5 ms building
/// its metadata for the spec's thirty types before it reads the first byte; a document costs
/// tens of microseconds. Writing stays with <see cref="OciJsonContext"/>. Fields the model does
/// not name are kept in the same <c>Extensions</c> the serializer fills, so a load and save
/// changes nothing; tests hold the two readers to the same result.
/// </summary>
internal static class OciSpecReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static OciSpec Read(ReadOnlyMemory<byte> json, string source)
    {
        using var document = JsonDocument.Parse(json, DocumentOptions);
        var reader = new Reader(source);
        return reader.Spec(document.RootElement);
    }

    /// <summary>One read, with the file's name for its error messages.</summary>
    private sealed class Reader(string source)
    {
        private static readonly HashSet<string> SpecNames = ["ociVersion", "process", "root", "hostname", "domainname", "mounts", "hooks", "annotations", "linux"];
        private static readonly HashSet<string> ProcessNames =
            ["terminal", "consoleSize", "user", "args", "commandLine", "env", "cwd", "capabilities", "rlimits", "noNewPrivileges", "apparmorProfile", "oomScoreAdj", "selinuxLabel"];

        private static readonly HashSet<string> UserNames = ["uid", "gid", "umask", "additionalGids", "username"];
        private static readonly HashSet<string> MountNames = ["destination", "type", "source", "options"];
        private static readonly HashSet<string> LinuxNames =
            ["uidMappings", "gidMappings", "sysctl", "resources", "cgroupsPath", "namespaces", "devices", "seccomp", "rootfsPropagation", "maskedPaths", "readonlyPaths", "mountLabel"];

        private static readonly HashSet<string> ResourcesNames = ["devices", "memory", "cpu", "pids", "blockIO", "unified"];
        private static readonly HashSet<string> MemoryNames = ["limit", "reservation", "swap", "swappiness", "disableOOMKiller"];
        private static readonly HashSet<string> CpuNames = ["shares", "quota", "period", "cpus", "mems"];
        private static readonly HashSet<string> BlockIoNames = ["weight", "throttleReadBpsDevice", "throttleWriteBpsDevice", "throttleReadIOPSDevice", "throttleWriteIOPSDevice"];

        public OciSpec Spec(JsonElement e)
        {
            Expect(e, JsonValueKind.Object, "$");
            var spec = new OciSpec
            {
                OciVersion = String(e, "ociVersion", "$") ?? OciSpec.Version,
                Process = Object(e, "process", "$", Process),
                Root = Object(e, "root", "$", (r, p) => new OciRoot { Path = Required(r, "path", p), Readonly = Bool(r, "readonly", p) }),
                Hostname = String(e, "hostname", "$"),
                Domainname = String(e, "domainname", "$"),
                Mounts = Array(e, "mounts", "$", Mount),
                Hooks = Object(e, "hooks", "$", Hooks),
                Annotations = Map(e, "annotations", "$"),
                Linux = Object(e, "linux", "$", Linux),
            };
            spec.Extensions = Extensions(e, SpecNames);
            return spec;
        }

        private OciProcess Process(JsonElement e, string path)
        {
            var process = new OciProcess
            {
                Terminal = Bool(e, "terminal", path),
                ConsoleSize = Object(e, "consoleSize", path, (b, p) => new OciBox { Height = UInt(b, "height", p) ?? 0, Width = UInt(b, "width", p) ?? 0 }),
                User = Object(e, "user", path, User) ?? new OciUser(),
                Args = Strings(e, "args", path),
                CommandLine = String(e, "commandLine", path),
                Env = Strings(e, "env", path),
                Cwd = String(e, "cwd", path) ?? "/",
                Capabilities = Object(e, "capabilities", path, (c, p) => new OciCapabilities
                {
                    Bounding = Strings(c, "bounding", p),
                    Effective = Strings(c, "effective", p),
                    Inheritable = Strings(c, "inheritable", p),
                    Permitted = Strings(c, "permitted", p),
                    Ambient = Strings(c, "ambient", p),
                }),
                Rlimits = Array(e, "rlimits", path, (r, p) => new OciRlimit { Type = Required(r, "type", p), Hard = ULong(r, "hard", p) ?? 0, Soft = ULong(r, "soft", p) ?? 0 }),
                NoNewPrivileges = Bool(e, "noNewPrivileges", path),
                ApparmorProfile = String(e, "apparmorProfile", path),
                OomScoreAdj = Int(e, "oomScoreAdj", path),
                SelinuxLabel = String(e, "selinuxLabel", path),
            };
            process.Extensions = Extensions(e, ProcessNames);
            return process;
        }

        private OciUser User(JsonElement e, string path)
        {
            var user = new OciUser
            {
                Uid = UInt(e, "uid", path) ?? 0,
                Gid = UInt(e, "gid", path) ?? 0,
                Umask = UInt(e, "umask", path),
                AdditionalGids = Array(e, "additionalGids", path, (g, p) => Number(g, p, static (JsonElement x, out uint v) => x.TryGetUInt32(out v), "a number from 0 to 4294967295")),
                Username = String(e, "username", path),
            };
            user.Extensions = Extensions(e, UserNames);
            return user;
        }

        private OciMount Mount(JsonElement e, string path)
        {
            var mount = new OciMount
            {
                Destination = Required(e, "destination", path),
                Type = String(e, "type", path),
                Source = String(e, "source", path),
                Options = Strings(e, "options", path),
            };
            mount.Extensions = Extensions(e, MountNames);
            return mount;
        }

        private OciHooks Hooks(JsonElement e, string path)
        {
            IReadOnlyList<OciHook>? List(string name) => Array(e, name, path, (h, p) => new OciHook
            {
                Path = Required(h, "path", p),
                Args = Strings(h, "args", p),
                Env = Strings(h, "env", p),
                Timeout = Int(h, "timeout", p),
            });

            return new OciHooks
            {
                Prestart = List("prestart"),
                CreateRuntime = List("createRuntime"),
                CreateContainer = List("createContainer"),
                StartContainer = List("startContainer"),
                Poststart = List("poststart"),
                Poststop = List("poststop"),
            };
        }

        private OciLinux Linux(JsonElement e, string path)
        {
            OciIdMapping IdMapping(JsonElement m, string p) =>
                new() { ContainerId = UInt(m, "containerID", p) ?? 0, HostId = UInt(m, "hostID", p) ?? 0, Size = UInt(m, "size", p) ?? 0 };

            var linux = new OciLinux
            {
                UidMappings = Array(e, "uidMappings", path, IdMapping),
                GidMappings = Array(e, "gidMappings", path, IdMapping),
                Sysctl = Map(e, "sysctl", path),
                Resources = Object(e, "resources", path, Resources),
                CgroupsPath = String(e, "cgroupsPath", path),
                Namespaces = Array(e, "namespaces", path, (n, p) => new OciNamespace { Type = Required(n, "type", p), Path = String(n, "path", p) }),
                Devices = Array(e, "devices", path, (d, p) => new OciDevice
                {
                    Path = Required(d, "path", p),
                    Type = Required(d, "type", p),
                    Major = Long(d, "major", p) ?? 0,
                    Minor = Long(d, "minor", p) ?? 0,
                    FileMode = UInt(d, "fileMode", p),
                    Uid = UInt(d, "uid", p),
                    Gid = UInt(d, "gid", p),
                }),
                Seccomp = e.TryGetProperty("seccomp", out var seccomp) && seccomp.ValueKind != JsonValueKind.Null ? seccomp.Clone() : null,
                RootfsPropagation = String(e, "rootfsPropagation", path),
                MaskedPaths = Strings(e, "maskedPaths", path),
                ReadonlyPaths = Strings(e, "readonlyPaths", path),
                MountLabel = String(e, "mountLabel", path),
            };
            linux.Extensions = Extensions(e, LinuxNames);
            return linux;
        }

        private OciResources Resources(JsonElement e, string path)
        {
            OciThrottleDevice Throttle(JsonElement t, string p) =>
                new() { Major = Long(t, "major", p) ?? 0, Minor = Long(t, "minor", p) ?? 0, Rate = ULong(t, "rate", p) ?? 0 };

            var resources = new OciResources
            {
                Devices = Array(e, "devices", path, (d, p) => new OciDeviceCgroup
                {
                    Allow = Bool(d, "allow", p),
                    Type = String(d, "type", p),
                    Major = Long(d, "major", p),
                    Minor = Long(d, "minor", p),
                    Access = String(d, "access", p),
                }),
                Memory = Object(e, "memory", path, (m, p) =>
                {
                    var memory = new OciMemory
                    {
                        Limit = Long(m, "limit", p),
                        Reservation = Long(m, "reservation", p),
                        Swap = Long(m, "swap", p),
                        Swappiness = ULong(m, "swappiness", p),
                        DisableOomKiller = m.TryGetProperty("disableOOMKiller", out var d) && d.ValueKind != JsonValueKind.Null ? Bool(m, "disableOOMKiller", p) : null,
                    };
                    memory.Extensions = Extensions(m, MemoryNames);
                    return memory;
                }),
                Cpu = Object(e, "cpu", path, (c, p) =>
                {
                    var cpu = new OciCpu { Shares = ULong(c, "shares", p), Quota = Long(c, "quota", p), Period = ULong(c, "period", p), Cpus = String(c, "cpus", p), Mems = String(c, "mems", p) };
                    cpu.Extensions = Extensions(c, CpuNames);
                    return cpu;
                }),
                Pids = Object(e, "pids", path, (x, p) => new OciPids { Limit = Long(x, "limit", p) ?? 0 }),
                BlockIo = Object(e, "blockIO", path, (b, p) =>
                {
                    var blockIo = new OciBlockIo
                    {
                        Weight = Number(b, "weight", p, static (JsonElement x, out ushort v) => x.TryGetUInt16(out v), "a number from 0 to 65535"),
                        ThrottleReadBpsDevice = Array(b, "throttleReadBpsDevice", p, Throttle),
                        ThrottleWriteBpsDevice = Array(b, "throttleWriteBpsDevice", p, Throttle),
                        ThrottleReadIopsDevice = Array(b, "throttleReadIOPSDevice", p, Throttle),
                        ThrottleWriteIopsDevice = Array(b, "throttleWriteIOPSDevice", p, Throttle),
                    };
                    blockIo.Extensions = Extensions(b, BlockIoNames);
                    return blockIo;
                }),
                Unified = Map(e, "unified", path),
            };
            resources.Extensions = Extensions(e, ResourcesNames);
            return resources;
        }

        private delegate bool TryGet<T>(JsonElement element, out T value);

        private static Dictionary<string, JsonElement>? Extensions(JsonElement e, HashSet<string> known)
        {
            Dictionary<string, JsonElement>? extra = null;
            foreach (var property in e.EnumerateObject())
            {
                if (!known.Contains(property.Name))
                {
                    (extra ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal))[property.Name] = property.Value.Clone();
                }
            }

            return extra;
        }

        private static bool Present(JsonElement e, string name, out JsonElement value) =>
            e.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

        private T? Object<T>(JsonElement e, string name, string path, Func<JsonElement, string, T> read)
            where T : class
        {
            if (!Present(e, name, out var value))
            {
                return null;
            }

            var at = $"{path}.{name}";
            Expect(value, JsonValueKind.Object, at);
            return read(value, at);
        }

        private T[]? Array<T>(JsonElement e, string name, string path, Func<JsonElement, string, T> read)
        {
            if (!Present(e, name, out var value))
            {
                return null;
            }

            var at = $"{path}.{name}";
            Expect(value, JsonValueKind.Array, at);
            var items = new T[value.GetArrayLength()];
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                var itemPath = $"{at}[{i}]";
                if (typeof(T).IsClass && typeof(T) != typeof(string))
                {
                    Expect(item, JsonValueKind.Object, itemPath);
                }

                items[i++] = read(item, itemPath);
            }

            return items;
        }

        private string[]? Strings(JsonElement e, string name, string path) => Array(e, name, path, (item, p) =>
        {
            Expect(item, JsonValueKind.String, p);
            return item.GetString()!;
        });

        private Dictionary<string, string>? Map(JsonElement e, string name, string path)
        {
            if (!Present(e, name, out var value))
            {
                return null;
            }

            var at = $"{path}.{name}";
            Expect(value, JsonValueKind.Object, at);
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in value.EnumerateObject())
            {
                Expect(property.Value, JsonValueKind.String, $"{at}.{property.Name}");
                map[property.Name] = property.Value.GetString()!;
            }

            return map;
        }

        private string? String(JsonElement e, string name, string path)
        {
            if (!Present(e, name, out var value))
            {
                return null;
            }

            Expect(value, JsonValueKind.String, $"{path}.{name}");
            return value.GetString();
        }

        private string Required(JsonElement e, string name, string path) =>
            String(e, name, path) ?? throw new InvalidArgumentException($"{source}: {path} has no \"{name}\"; the OCI runtime spec requires it");

        private bool Bool(JsonElement e, string name, string path)
        {
            if (!Present(e, name, out var value))
            {
                return false;
            }

            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Wrong($"{path}.{name}", "true or false", value),
            };
        }

        private uint? UInt(JsonElement e, string name, string path) =>
            Number(e, name, path, static (JsonElement x, out uint v) => x.TryGetUInt32(out v), "a number from 0 to 4294967295");

        private int? Int(JsonElement e, string name, string path) =>
            Number(e, name, path, static (JsonElement x, out int v) => x.TryGetInt32(out v), "a 32-bit integer");

        private long? Long(JsonElement e, string name, string path) =>
            Number(e, name, path, static (JsonElement x, out long v) => x.TryGetInt64(out v), "a 64-bit integer");

        private ulong? ULong(JsonElement e, string name, string path) =>
            Number(e, name, path, static (JsonElement x, out ulong v) => x.TryGetUInt64(out v), "a number from 0 to 18446744073709551615");

        private T? Number<T>(JsonElement e, string name, string path, TryGet<T> get, string what)
            where T : struct =>
            Present(e, name, out var value) ? Number(value, $"{path}.{name}", get, what) : null;

        private T Number<T>(JsonElement value, string path, TryGet<T> get, string what)
            where T : struct =>
            value.ValueKind == JsonValueKind.Number && get(value, out var number) ? number : throw Wrong(path, what, value);

        private void Expect(JsonElement value, JsonValueKind kind, string path)
        {
            if (value.ValueKind != kind)
            {
                throw Wrong(path, kind switch
                {
                    JsonValueKind.Object => "an object",
                    JsonValueKind.Array => "an array",
                    _ => "a string",
                }, value);
            }
        }

        private InvalidArgumentException Wrong(string path, string what, JsonElement value) =>
            new($"{source}: {path} must be {what}, not {Describe(value)}; fix it as the OCI runtime spec describes");

        private static string Describe(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => $"the string \"{value.GetString()}\"",
            JsonValueKind.Number => $"the number {value.GetRawText()}",
            JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            JsonValueKind.Array => "an array",
            JsonValueKind.Object => "an object",
            _ => value.ValueKind.ToString().ToLowerInvariant(),
        };
    }
}
