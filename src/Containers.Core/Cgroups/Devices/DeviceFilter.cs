using Containers.Errors;
using Containers.Linux;

namespace Containers.Cgroups.Devices;

/// <summary>
/// Puts a device filter program on a cgroup v2 directory, replacing the one there: the new
/// program is attached first (BPF_F_ALLOW_MULTI, where every program must allow), then the old
/// ones are detached, so there is never a moment with no filter. The kernel keeps the program
/// while it is attached and drops it with the cgroup.
/// </summary>
internal static unsafe class DeviceFilter
{
    private const int MaxPrograms = 64;

    public static void Apply(string cgroupDirectory, IEnumerable<CgroupDeviceRule> rules)
    {
        var program = DeviceFilterProgram.Build(DeviceRuleSet.From(rules));
        using var cgroup = PosixFs.OpenDirectory(cgroupDirectory);
        var cgroupFd = (int)cgroup.DangerousGetHandle();
        var previous = AttachedPrograms(cgroupFd, cgroupDirectory);
        var programFd = Load(program, cgroupDirectory);
        try
        {
            var attr = stackalloc byte[LibC.BpfAttrSize];
            new Span<byte>(attr, LibC.BpfAttrSize).Clear();
            *(uint*)attr = (uint)cgroupFd;
            *(uint*)(attr + 4) = (uint)programFd;
            *(uint*)(attr + 8) = LibC.BPF_CGROUP_DEVICE;
            *(uint*)(attr + 12) = LibC.BPF_F_ALLOW_MULTI;
            Check(LibC.Bpf(LibC.SYS_bpf, LibC.BPF_PROG_ATTACH, attr, LibC.BpfAttrSize), "attach the device filter to", cgroupDirectory);
        }
        finally
        {
            LibC.Close(programFd);
        }

        foreach (var id in previous)
        {
            Detach(cgroupFd, id, cgroupDirectory);
        }
    }

    /// <summary>The ids of the device programs attached to the cgroup itself.</summary>
    internal static uint[] AttachedPrograms(int cgroupFd, string cgroupDirectory)
    {
        var ids = stackalloc uint[MaxPrograms];
        var attr = stackalloc byte[LibC.BpfAttrSize];
        new Span<byte>(attr, LibC.BpfAttrSize).Clear();
        *(uint*)attr = (uint)cgroupFd;
        *(uint*)(attr + 4) = LibC.BPF_CGROUP_DEVICE;
        *(ulong*)(attr + 16) = (ulong)ids;
        *(uint*)(attr + 24) = MaxPrograms;
        Check(LibC.Bpf(LibC.SYS_bpf, LibC.BPF_PROG_QUERY, attr, LibC.BpfAttrSize), "list the device filters of", cgroupDirectory);
        return new ReadOnlySpan<uint>(ids, (int)*(uint*)(attr + 24)).ToArray();
    }

    private static int Load(byte[] program, string cgroupDirectory)
    {
        var license = "Apache\0"u8;
        fixed (byte* insns = program)
        fixed (byte* licensePtr = license)
        {
            var attr = stackalloc byte[LibC.BpfAttrSize];
            new Span<byte>(attr, LibC.BpfAttrSize).Clear();
            *(uint*)attr = LibC.BPF_PROG_TYPE_CGROUP_DEVICE;
            *(uint*)(attr + 4) = (uint)(program.Length / 8);
            *(ulong*)(attr + 8) = (ulong)insns;
            *(ulong*)(attr + 16) = (ulong)licensePtr;
            var fd = LibC.Bpf(LibC.SYS_bpf, LibC.BPF_PROG_LOAD, attr, LibC.BpfAttrSize);
            Check(fd, "load the device filter for", cgroupDirectory);
            return fd;
        }
    }

    private static void Detach(int cgroupFd, uint id, string cgroupDirectory)
    {
        var attr = stackalloc byte[LibC.BpfAttrSize];
        new Span<byte>(attr, LibC.BpfAttrSize).Clear();
        *(uint*)attr = id;
        var programFd = LibC.Bpf(LibC.SYS_bpf, LibC.BPF_PROG_GET_FD_BY_ID, attr, LibC.BpfAttrSize);
        if (programFd < 0 && Errno.Last == Errno.ENOENT)
        {
            return; // gone already
        }

        Check(programFd, "find the old device filter of", cgroupDirectory);
        try
        {
            new Span<byte>(attr, LibC.BpfAttrSize).Clear();
            *(uint*)attr = (uint)cgroupFd;
            *(uint*)(attr + 4) = (uint)programFd;
            *(uint*)(attr + 8) = LibC.BPF_CGROUP_DEVICE;
            Check(LibC.Bpf(LibC.SYS_bpf, LibC.BPF_PROG_DETACH, attr, LibC.BpfAttrSize), "detach the old device filter of", cgroupDirectory);
        }
        finally
        {
            LibC.Close(programFd);
        }
    }

    private static void Check(int result, string what, string cgroupDirectory)
    {
        if (result < 0)
        {
            // EPERM: bpf needs CAP_SYS_ADMIN; EINVAL: a kernel without BPF_CGROUP_DEVICE.
            throw Errno.ToException(Errno.Last, $"bpf: {what}", cgroupDirectory);
        }
    }
}
