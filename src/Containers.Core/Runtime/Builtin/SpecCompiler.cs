using Containers.Errors;
using Containers.Linux;
using Containers.Processes;
using Containers.Runtime.Shim;
using Containers.Runtime.Spec;

namespace Containers.Runtime.Builtin;

/// <summary>
/// Turns a validated runtime spec into the shim's plan. Every decision of the runtime spec is
/// taken here: which namespaces, which mounts with which flags, which devices, capabilities and
/// limits. The shim only carries them out, in the order runc does.
/// </summary>
internal static class SpecCompiler
{
    /// <summary>The plan that creates a container from its spec.</summary>
    public static ShimPlan CompileCreate(OciSpec spec, string bundle, PlanInputs inputs)
    {
        var linux = spec.Linux ?? new OciLinux();
        var process = spec.Process ?? throw new InvalidArgumentException("config.json has no \"process\"; add one with at least \"args\"");
        var plan = new ShimPlan();
        if (inputs.StateDirectory is { } state)
        {
            plan.Add(ShimOp.StateDir, state);
        }

        var namespaces = linux.Namespaces ?? [];
        ulong cloneFlags = 0;
        var hasNewMount = false;
        var hasNewUser = false;
        var hasNewUts = false;
        foreach (var ns in OrderForJoining(namespaces))
        {
            var kind = NamespaceKinds.Parse(ns.Type);
            if (string.IsNullOrEmpty(ns.Path))
            {
                cloneFlags |= kind.ToCloneFlag();
                hasNewMount |= kind == NamespaceKind.Mount;
                hasNewUser |= kind == NamespaceKind.User;
                hasNewUts |= kind == NamespaceKind.Uts;
            }
            else
            {
                plan.Add(ShimOp.JoinNamespace, ns.Path, ShimPlan.Number(kind.ToCloneFlag()));
            }
        }

        if (!hasNewMount)
        {
            throw new InvalidArgumentException("the built-in runtime needs a new mount namespace to set up the root filesystem; add {\"type\": \"mount\"} to linux.namespaces");
        }

        plan.Add(ShimOp.CloneFlags, ShimPlan.Number(cloneFlags));
        if (hasNewUser)
        {
            plan.Add(ShimOp.UidMap, IdMap(linux.UidMappings));
            plan.Add(ShimOp.GidMap, IdMap(linux.GidMappings));
            plan.Add(ShimOp.DeviceBind);
        }

        AddCgroupJoins(plan, inputs.Cgroups);
        if (inputs.DieWithOwner)
        {
            plan.Add(ShimOp.DieWithOwner);
            foreach (var cgroup in inputs.Cgroups)
            {
                plan.Add(ShimOp.CleanupDirectory, cgroup.HostDirectory);
            }
        }

        var root = spec.Root ?? throw new InvalidArgumentException("config.json has no \"root\"; add {\"path\": \"rootfs\"}");
        plan.Add(ShimOp.Rootfs, Path.GetFullPath(root.Path, bundle));
        plan.Add(ShimOp.RootfsPropagation, ShimPlan.Number(RootPropagation(linux.RootfsPropagation)));
        var devIsOurs = AddMounts(plan, spec.Mounts ?? [], bundle, inputs.Cgroups, (cloneFlags & NamespaceKind.Cgroup.ToCloneFlag()) != 0);
        if (devIsOurs)
        {
            AddDevices(plan, linux.Devices ?? []);
        }
        else
        {
            foreach (var device in linux.Devices ?? [])
            {
                AddDevice(plan, device);
            }
        }

        foreach (var path in linux.MaskedPaths ?? [])
        {
            plan.Add(ShimOp.Mask, path);
        }

        foreach (var path in linux.ReadonlyPaths ?? [])
        {
            plan.Add(ShimOp.ReadonlyPath, path);
        }

        if (root.Readonly)
        {
            plan.Add(ShimOp.ReadonlyRoot);
        }

        foreach (var (key, value) in linux.Sysctl ?? new Dictionary<string, string>())
        {
            plan.Add(ShimOp.Sysctl, key, value);
        }

        if (hasNewUts && !string.IsNullOrEmpty(spec.Hostname))
        {
            plan.Add(ShimOp.Hostname, spec.Hostname);
        }

        if (hasNewUts && !string.IsNullOrEmpty(spec.Domainname))
        {
            plan.Add(ShimOp.Domainname, spec.Domainname);
        }

        if (inputs.StartImmediately)
        {
            plan.Add(ShimOp.StartNow);
        }

        AddProcess(plan, process, inputs.Stdio);
        return plan;
    }

    /// <summary>The plan that runs another process in a running container, joining its namespaces and cgroup.</summary>
    public static ShimPlan CompileExec(OciSpec spec, int containerPid, OciProcess process, IReadOnlyList<CgroupMountSource> cgroups, StdioMode stdio)
    {
        var plan = new ShimPlan();
        foreach (var ns in OrderForJoining(spec.Linux?.Namespaces ?? []))
        {
            var kind = NamespaceKinds.Parse(ns.Type);
            plan.Add(ShimOp.JoinNamespace, kind.ProcPath(containerPid), ShimPlan.Number(kind.ToCloneFlag()));
        }

        AddCgroupJoins(plan, cgroups);
        plan.Add(ShimOp.StartNow);
        AddProcess(plan, process, stdio);
        return plan;
    }

    /// <summary>The shim joins v2 by clone3 into the cgroup, v1 through the child's own tasks writes.</summary>
    private static void AddCgroupJoins(ShimPlan plan, IReadOnlyList<CgroupMountSource> cgroups)
    {
        foreach (var cgroup in cgroups)
        {
            plan.Add(ShimOp.CgroupProcs, Path.Join(cgroup.HostDirectory, "cgroup.procs"), cgroup.IsUnified ? "v2" : "v1");
        }
    }

    /// <summary>The user namespace first: joining it is what gives the right to join the others.</summary>
    private static IEnumerable<OciNamespace> OrderForJoining(IReadOnlyList<OciNamespace> namespaces) =>
        namespaces.OrderBy(ns => ns.Type == "user" ? 0 : ns.Type == "mount" ? 2 : 1);

    private static string IdMap(IReadOnlyList<OciIdMapping>? mappings)
    {
        if (mappings is null || mappings.Count == 0)
        {
            throw new InvalidArgumentException("a new user namespace needs linux.uidMappings and linux.gidMappings; add at least {\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}");
        }

        return string.Concat(mappings.Select(m => $"{m.ContainerId} {m.HostId} {m.Size}\n"));
    }

    private static ulong RootPropagation(string? propagation) => propagation switch
    {
        null or "" => LibC.MS_SLAVE | LibC.MS_REC,
        "private" => LibC.MS_PRIVATE,
        "rprivate" => LibC.MS_PRIVATE | LibC.MS_REC,
        "slave" => LibC.MS_SLAVE,
        "rslave" => LibC.MS_SLAVE | LibC.MS_REC,
        "shared" => LibC.MS_SHARED,
        "rshared" => LibC.MS_SHARED | LibC.MS_REC,
        "unbindable" => LibC.MS_UNBINDABLE,
        "runbindable" => LibC.MS_UNBINDABLE | LibC.MS_REC,
        _ => throw new InvalidArgumentException($"linux.rootfsPropagation \"{propagation}\" is not a propagation; use private, slave, shared or unbindable, optionally with an r prefix"),
    };

    /// <summary>Adds the spec's mounts; true when the runtime mounts <c>/dev</c> itself and so must fill it.</summary>
    private static bool AddMounts(ShimPlan plan, IReadOnlyList<OciMount> mounts, string bundle, IReadOnlyList<CgroupMountSource> cgroups, bool newCgroupNamespace)
    {
        var devIsOurs = false;
        foreach (var mount in mounts)
        {
            var options = MountOptionParser.Parse(mount.Options);
            var type = mount.Type ?? (options.IsBind ? "bind" : "none");
            if (type is "cgroup" or "cgroup2")
            {
                AddCgroupMount(plan, mount.Destination, options, cgroups, newCgroupNamespace);
                continue;
            }

            if (options.IsBind || type == "bind")
            {
                var source = mount.Source ?? throw new InvalidArgumentException($"the bind mount at \"{mount.Destination}\" has no source; add \"source\"");
                plan.Add(ShimOp.Mount, Path.GetFullPath(source, bundle), mount.Destination, string.Empty, ShimPlan.Number(options.Flags | LibC.MS_BIND), string.Empty, ShimPlan.Number(options.PropagationFlags), "bind");
                continue;
            }

            devIsOurs |= mount.Destination == "/dev";
            plan.Add(ShimOp.Mount, mount.Source ?? type, mount.Destination, type, ShimPlan.Number(options.Flags), options.Data, ShimPlan.Number(options.PropagationFlags), "fs");
        }

        return devIsOurs;
    }

    /// <summary>
    /// On cgroup v2 with a cgroup namespace, cgroup2 itself. Otherwise, as runc does for v1, a
    /// tmpfs holding a bind mount of the container's own cgroup in each hierarchy.
    /// </summary>
    private static void AddCgroupMount(ShimPlan plan, string destination, ParsedMountOptions options, IReadOnlyList<CgroupMountSource> cgroups, bool newCgroupNamespace)
    {
        if (cgroups.Count == 0)
        {
            return;
        }

        var flags = options.Flags & ~(LibC.MS_BIND | LibC.MS_REC);
        var propagation = ShimPlan.Number(options.PropagationFlags);
        if (cgroups is [{ IsUnified: true } only])
        {
            if (newCgroupNamespace)
            {
                plan.Add(ShimOp.Mount, "cgroup2", destination, "cgroup2", ShimPlan.Number(flags), string.Empty, propagation, "fs");
            }
            else
            {
                plan.Add(ShimOp.Mount, only.HostDirectory, destination, string.Empty, ShimPlan.Number(flags | LibC.MS_BIND | LibC.MS_REC), string.Empty, propagation, "bind");
            }

            return;
        }

        // The tmpfs stays writable while the hierarchies' directories are made in it; then one
        // recursive mount_setattr gives it and every bind the spec's flags, instead of a remount each.
        plan.Add(ShimOp.Mount, "tmpfs", destination, "tmpfs", ShimPlan.Number(flags & ~LibC.MS_RDONLY), "mode=755", propagation, "fs");
        List<string> targets = [destination];
        foreach (var cgroup in cgroups)
        {
            var target = destination.TrimEnd('/') + "/" + cgroup.Name;
            targets.Add(target);
            plan.Add(ShimOp.Mount, cgroup.HostDirectory, target, string.Empty, ShimPlan.Number(LibC.MS_BIND | LibC.MS_REC), string.Empty, "0", "bind");
            if (cgroup.Name.Contains(',', StringComparison.Ordinal))
            {
                foreach (var controller in cgroup.Name.Split(','))
                {
                    plan.Add(ShimOp.Symlink, cgroup.Name, destination.TrimEnd('/') + "/" + controller);
                }
            }
        }

        var attributes = MountAttributes(flags);
        if (attributes != 0)
        {
            plan.Add(ShimOp.SetattrRecursive, [destination, ShimPlan.Number(attributes), ShimPlan.Number(flags & RemountFlags), .. targets]);
        }
    }

    /// <summary>The flags a bind remount can change.</summary>
    private const ulong RemountFlags = LibC.MS_RDONLY | LibC.MS_NOSUID | LibC.MS_NODEV | LibC.MS_NOEXEC | LibC.MS_NOATIME | LibC.MS_NODIRATIME | LibC.MS_RELATIME | LibC.MS_STRICTATIME;

    /// <summary>mount_setattr's MOUNT_ATTR_* for the MS_* flags it shares (read-only, nosuid, nodev, noexec).</summary>
    private static ulong MountAttributes(ulong flags) =>
        ((flags & LibC.MS_RDONLY) != 0 ? 0x1UL : 0) | ((flags & LibC.MS_NOSUID) != 0 ? 0x2UL : 0)
        | ((flags & LibC.MS_NODEV) != 0 ? 0x4UL : 0) | ((flags & LibC.MS_NOEXEC) != 0 ? 0x8UL : 0);

    private static void AddDevices(ShimPlan plan, IReadOnlyList<OciDevice> devices)
    {
        var listed = devices.Select(d => d.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var device in OciSpecDefaults.DefaultDevices.Where(d => !listed.Contains(d.Path)).Concat(devices))
        {
            AddDevice(plan, device);
        }

        foreach (var link in OciSpecDefaults.DefaultDevSymlinks)
        {
            if (link.OnlyIfExists is { } required && !File.Exists(required))
            {
                continue;
            }

            if (!listed.Contains(link.Path))
            {
                plan.Add(ShimOp.Symlink, link.Target, link.Path);
            }
        }
    }

    private static void AddDevice(ShimPlan plan, OciDevice device)
    {
        var mode = device.FileMode ?? 0b110_110_110;
        plan.Add(
            ShimOp.Device,
            device.Path,
            device.Type,
            ShimPlan.Number(device.Major),
            ShimPlan.Number(device.Minor),
            ShimPlan.Number(mode),
            ShimPlan.Number(device.Uid ?? 0),
            ShimPlan.Number(device.Gid ?? 0));
    }

    private static void AddProcess(ShimPlan plan, OciProcess process, StdioMode stdio)
    {
        var lastCap = Capabilities.KernelLastCap;
        foreach (var rlimit in process.Rlimits ?? [])
        {
            plan.Add(ShimOp.Rlimit, ShimPlan.Number(Rlimits.Parse(rlimit.Type)), ShimPlan.Number(rlimit.Soft), ShimPlan.Number(rlimit.Hard));
        }

        if (process.OomScoreAdj is { } oom)
        {
            plan.Add(ShimOp.OomScoreAdj, ShimPlan.Number(oom));
        }

        if (stdio == StdioMode.Terminal)
        {
            plan.Add(ShimOp.Terminal, ShimPlan.Number(process.ConsoleSize?.Height ?? 0), ShimPlan.Number(process.ConsoleSize?.Width ?? 0));
        }

        plan.Add(ShimOp.Cwd, string.IsNullOrEmpty(process.Cwd) ? "/" : process.Cwd);
        plan.Add(ShimOp.User, ShimPlan.Number(process.User.Uid), ShimPlan.Number(process.User.Gid), ShimPlan.Number(process.User.Umask is { } umask ? umask : -1L));
        plan.Add(ShimOp.Groups, (process.User.AdditionalGids ?? []).Select(g => ShimPlan.Number(g)).ToArray());
        var caps = process.Capabilities;
        plan.Add(
            ShimOp.Capabilities,
            ShimPlan.Number(Capabilities.ToMask(caps?.Bounding, lastCap)),
            ShimPlan.Number(Capabilities.ToMask(caps?.Effective, lastCap)),
            ShimPlan.Number(Capabilities.ToMask(caps?.Permitted, lastCap)),
            ShimPlan.Number(Capabilities.ToMask(caps?.Inheritable, lastCap)),
            ShimPlan.Number(Capabilities.ToMask(caps?.Ambient, lastCap)));
        if (process.NoNewPrivileges)
        {
            plan.Add(ShimOp.NoNewPrivileges);
        }

        var args = process.Args ?? [];
        if (args.Count == 0)
        {
            throw new InvalidArgumentException("process.args is empty; name the program to run, for example [\"sh\"]");
        }

        plan.Add(ShimOp.Args, args);
        // Without PATH in env the shim looks programs up in the default PATH, as runc does, and passes env unchanged.
        plan.Add(ShimOp.Env, process.Env ?? []);
    }
}
