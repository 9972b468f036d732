using Containers.Errors;
using Containers.Linux;

namespace Containers.Runtime.Spec;

/// <summary>
/// Checks a spec before anything is created, with runc's rules, so that a bad
/// <c>config.json</c> fails with a message that names the field, its value and the fix, rather
/// than with an errno from deep inside container setup.
/// </summary>
public static class OciSpecValidator
{
    private const int HostNameMax = 64;

    private static readonly HashSet<string> IpcSysctls = new(StringComparer.Ordinal)
    {
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
        "kernel.shmmni", "kernel.shm_rmid_forced",
    };

    private static readonly HashSet<string> RootfsPropagations = new(StringComparer.Ordinal)
    {
        "private", "rprivate", "slave", "rslave", "shared", "rshared", "unbindable", "runbindable",
    };

    /// <summary>Throws for the first problem in <paramref name="spec"/>; returns when there is none.</summary>
    /// <param name="spec">The spec to check.</param>
    /// <param name="bundle">The bundle directory; a relative <c>root.path</c> is taken from it.</param>
    /// <exception cref="InvalidArgumentException">The spec breaks a rule; the message says which and what to do.</exception>
    public static void Validate(OciSpec spec, string bundle)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(bundle);

        var namespaces = Namespaces(spec.Linux?.Namespaces);
        Process(spec.Process);
        Root(spec.Root, bundle);
        Hostname(spec, namespaces);
        Mounts(spec.Mounts);
        if (spec.Linux is { } linux)
        {
            IdMappings(linux, namespaces);
            Sysctls(linux.Sysctl, namespaces);
            Devices(linux.Devices);
            if (linux.RootfsPropagation is { Length: > 0 } propagation && !RootfsPropagations.Contains(propagation))
            {
                Fail($"linux.rootfsPropagation \"{propagation}\" is not a propagation mode; use one of {string.Join(", ", RootfsPropagations)}");
            }
        }
    }

    private static void Process(OciProcess? process)
    {
        if (process is null)
        {
            Fail("process is missing; a container needs a process to run, e.g. \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"}");
        }

        if (process.Args is null || process.Args.Count == 0)
        {
            Fail("process.args is empty; give the program to run and its arguments, e.g. [\"sh\"]");
        }

        if (string.IsNullOrEmpty(process.Args[0]))
        {
            Fail("process.args[0] is empty; it must name the program to run, e.g. \"sh\" or \"/bin/sh\"");
        }

        if (!process.Cwd.StartsWith('/'))
        {
            Fail($"process.cwd \"{process.Cwd}\" is not absolute; give a path inside the container that starts with \"/\"");
        }

        if (process.Capabilities is { } capabilities)
        {
            CapabilitySet("bounding", capabilities.Bounding);
            CapabilitySet("effective", capabilities.Effective);
            CapabilitySet("inheritable", capabilities.Inheritable);
            CapabilitySet("permitted", capabilities.Permitted);
            CapabilitySet("ambient", capabilities.Ambient);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (process.Rlimits?.Count ?? 0); i++)
        {
            var rlimit = process.Rlimits![i];
            if (!Rlimits.TryParse(rlimit.Type, out _))
            {
                Fail($"process.rlimits[{i}].type \"{rlimit.Type}\" is not a resource limit; use one of {string.Join(", ", Rlimits.Names)}");
            }

            if (!seen.Add(rlimit.Type))
            {
                Fail($"process.rlimits[{i}] sets {rlimit.Type} a second time; keep one entry per type");
            }

            if (rlimit.Soft > rlimit.Hard)
            {
                Fail($"process.rlimits[{i}] ({rlimit.Type}) has soft {rlimit.Soft} above hard {rlimit.Hard}; the soft limit must not exceed the hard one");
            }
        }
    }

    private static void CapabilitySet(string set, IReadOnlyList<string>? names)
    {
        for (var i = 0; i < (names?.Count ?? 0); i++)
        {
            if (!Capabilities.TryParse(names![i], out _))
            {
                var upper = names[i].ToUpperInvariant();
                var hint = Capabilities.TryParse("CAP_" + upper, out _) ? $"write it as \"CAP_{upper}\""
                    : Capabilities.TryParse(upper, out _) ? $"write it in upper case, \"{upper}\""
                    : "names look like \"CAP_NET_BIND_SERVICE\" (see capabilities(7))";
                Fail($"process.capabilities.{set}[{i}] \"{names[i]}\" is not a Linux capability; {hint}");
            }
        }
    }

    private static void Root(OciRoot? root, string bundle)
    {
        if (root is null || string.IsNullOrEmpty(root.Path))
        {
            Fail("root.path is missing; name the container's root filesystem directory, e.g. \"root\": {\"path\": \"rootfs\"}");
        }

        var path = Path.IsPathRooted(root.Path) ? root.Path : Path.Combine(Path.GetFullPath(bundle), root.Path);
        if (File.Exists(path))
        {
            Fail($"root.path \"{root.Path}\" ({path}) is a file, not a directory; point it at the unpacked root filesystem");
        }

        if (!Directory.Exists(path))
        {
            Fail($"root.path \"{root.Path}\" ({path}) does not exist; unpack a root filesystem there or fix the path");
        }
    }

    private static Dictionary<NamespaceKind, string?> Namespaces(IReadOnlyList<OciNamespace>? namespaces)
    {
        var kinds = new Dictionary<NamespaceKind, string?>();
        for (var i = 0; i < (namespaces?.Count ?? 0); i++)
        {
            var entry = namespaces![i];
            if (!NamespaceKinds.TryParse(entry.Type, out var kind))
            {
                Fail($"linux.namespaces[{i}].type \"{entry.Type}\" is not a namespace type; use one of {string.Join(", ", NamespaceKinds.All.Select(k => k.ToOciType()))}");
            }

            if (!kinds.TryAdd(kind, string.IsNullOrEmpty(entry.Path) ? null : entry.Path))
            {
                Fail($"linux.namespaces[{i}] lists \"{entry.Type}\" a second time; keep one entry per namespace type");
            }

            if (!string.IsNullOrEmpty(entry.Path) && !entry.Path.StartsWith('/'))
            {
                Fail($"linux.namespaces[{i}].path \"{entry.Path}\" is not absolute; give a path such as /proc/<pid>/ns/{kind.ToProcFileName()}");
            }
        }

        return kinds;
    }

    private static void Hostname(OciSpec spec, Dictionary<NamespaceKind, string?> namespaces)
    {
        foreach (var (field, value) in new[] { ("hostname", spec.Hostname), ("domainname", spec.Domainname) })
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            if (!namespaces.ContainsKey(NamespaceKind.Uts))
            {
                Fail($"{field} \"{value}\" cannot be set without a private UTS namespace; add {{\"type\": \"uts\"}} to linux.namespaces or remove {field}");
            }

            if (System.Text.Encoding.UTF8.GetByteCount(value) > HostNameMax)
            {
                Fail($"{field} \"{value}\" is longer than the kernel's {HostNameMax} bytes; shorten it");
            }
        }
    }

    private static void Mounts(IReadOnlyList<OciMount>? mounts)
    {
        for (var i = 0; i < (mounts?.Count ?? 0); i++)
        {
            var mount = mounts![i];
            if (!mount.Destination.StartsWith('/'))
            {
                Fail($"mounts[{i}].destination \"{mount.Destination}\" is not absolute; give the path inside the container, e.g. \"/{mount.Destination}\"");
            }

            try
            {
                MountOptionParser.Parse(mount.Options);
            }
            catch (InvalidArgumentException e)
            {
                throw new InvalidArgumentException($"mounts[{i}] ({mount.Destination}): {e.Message}", e);
            }
        }
    }

    private static void IdMappings(OciLinux linux, Dictionary<NamespaceKind, string?> namespaces)
    {
        var hasUids = linux.UidMappings is { Count: > 0 };
        var hasGids = linux.GidMappings is { Count: > 0 };
        if (!namespaces.TryGetValue(NamespaceKind.User, out var userPath))
        {
            if (hasUids || hasGids)
            {
                Fail("linux.uidMappings/gidMappings are set but no user namespace is requested; add {\"type\": \"user\"} to linux.namespaces or remove the mappings");
            }

            return;
        }

        if (userPath is null && !(hasUids && hasGids))
        {
            Fail($"a new user namespace needs both linux.uidMappings and linux.gidMappings, and {(hasUids ? "gidMappings" : "uidMappings")} is empty; map at least the container's root, e.g. {{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}}");
        }

        Mappings("uidMappings", linux.UidMappings);
        Mappings("gidMappings", linux.GidMappings);
    }

    private static void Mappings(string field, IReadOnlyList<OciIdMapping>? mappings)
    {
        for (var i = 0; i < (mappings?.Count ?? 0); i++)
        {
            var a = mappings![i];
            if (a.Size == 0)
            {
                Fail($"linux.{field}[{i}] has size 0; a mapping must cover at least one id");
            }

            if ((ulong)a.ContainerId + a.Size > uint.MaxValue + 1UL || (ulong)a.HostId + a.Size > uint.MaxValue + 1UL)
            {
                Fail($"linux.{field}[{i}] (containerID {a.ContainerId}, hostID {a.HostId}, size {a.Size}) runs past the largest id 4294967295; shrink its size");
            }

            for (var j = 0; j < i; j++)
            {
                var b = mappings[j];
                if (Overlap(a.ContainerId, b.ContainerId, a.Size, b.Size))
                {
                    Fail($"linux.{field}[{j}] and [{i}] overlap in the container's ids ({b.ContainerId}+{b.Size} and {a.ContainerId}+{a.Size}); the kernel refuses overlapping ranges");
                }

                if (Overlap(a.HostId, b.HostId, a.Size, b.Size))
                {
                    Fail($"linux.{field}[{j}] and [{i}] overlap in the host's ids ({b.HostId}+{b.Size} and {a.HostId}+{a.Size}); the kernel refuses overlapping ranges");
                }
            }
        }
    }

    private static bool Overlap(uint startA, uint startB, uint sizeA, uint sizeB) =>
        (ulong)startA < (ulong)startB + sizeB && (ulong)startB < (ulong)startA + sizeA;

    private static void Sysctls(IReadOnlyDictionary<string, string>? sysctls, Dictionary<NamespaceKind, string?> namespaces)
    {
        foreach (var name in (sysctls?.Keys ?? []).Order(StringComparer.Ordinal))
        {
            if (IpcSysctls.Contains(name) || name.StartsWith("fs.mqueue.", StringComparison.Ordinal))
            {
                if (!namespaces.ContainsKey(NamespaceKind.Ipc))
                {
                    Fail($"linux.sysctl \"{name}\" would change the host's IPC namespace; add {{\"type\": \"ipc\"}} to linux.namespaces or remove it");
                }

                continue;
            }

            if (name.StartsWith("net.", StringComparison.Ordinal))
            {
                if (!namespaces.TryGetValue(NamespaceKind.Network, out var netPath) || (netPath is not null && IsOwnNetworkNamespace(netPath)))
                {
                    Fail($"linux.sysctl \"{name}\" would change the host's network namespace; add {{\"type\": \"network\"}} to linux.namespaces or remove it");
                }

                continue;
            }

            if (namespaces.ContainsKey(NamespaceKind.Uts))
            {
                if (name == "kernel.domainname")
                {
                    continue;
                }

                if (name == "kernel.hostname")
                {
                    Fail("linux.sysctl \"kernel.hostname\" conflicts with the spec's hostname field; set \"hostname\" instead");
                }
            }

            Fail($"linux.sysctl \"{name}\" is not in a namespace the container has its own of, so it would change the host; only IPC (kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*), network (net.*) and UTS (kernel.domainname) sysctls are allowed");
        }
    }

    /// <summary>True when <paramref name="path"/> is the namespace this process is in, i.e. "joining" it shares the host's.</summary>
    private static bool IsOwnNetworkNamespace(string path)
    {
        if (PosixFs.TryStatAt(null, path, out var target, followSymlinks: true) != 0
            || PosixFs.TryStatAt(null, "/proc/self/ns/net", out var own, followSymlinks: true) != 0)
        {
            // Joining a path that does not exist fails later with its own clear error.
            return false;
        }

        return target.Inode == own.Inode && target.Device == own.Device;
    }

    private static void Devices(IReadOnlyList<OciDevice>? devices)
    {
        for (var i = 0; i < (devices?.Count ?? 0); i++)
        {
            var device = devices![i];
            if (device.Type is not ("c" or "b" or "u" or "p"))
            {
                Fail($"linux.devices[{i}] ({device.Path}) has type \"{device.Type}\"; use \"c\" (character), \"b\" (block), \"u\" (unbuffered character) or \"p\" (FIFO)");
            }

            if (!device.Path.StartsWith('/'))
            {
                Fail($"linux.devices[{i}].path \"{device.Path}\" is not absolute; give the full path inside the container, e.g. \"/dev/fuse\"");
            }

            if (device.Major < 0 || device.Minor < 0)
            {
                Fail($"linux.devices[{i}] ({device.Path}) has major {device.Major}, minor {device.Minor}; device numbers cannot be negative");
            }
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string message) => throw new InvalidArgumentException(message);
}
