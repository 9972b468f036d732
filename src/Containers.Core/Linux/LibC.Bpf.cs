using System.Runtime.InteropServices;

namespace Containers.Linux;

/// <summary>The bpf(2) calls that put a device filter on a cgroup v2 directory.</summary>
internal static unsafe partial class LibC
{
    internal const int BPF_PROG_LOAD = 5;
    internal const int BPF_PROG_ATTACH = 8;
    internal const int BPF_PROG_DETACH = 9;
    internal const int BPF_PROG_GET_FD_BY_ID = 13;
    internal const int BPF_PROG_QUERY = 16;
    internal const uint BPF_PROG_TYPE_CGROUP_DEVICE = 15;
    internal const uint BPF_CGROUP_DEVICE = 6;
    internal const uint BPF_F_ALLOW_MULTI = 2;

    /// <summary>bpf is 321 on x86-64 and 280 on arm64 (the generic table).</summary>
    internal static long SYS_bpf => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 280 : 321;

    /// <summary>Large enough for every bpf_attr variant we pass; the kernel wants the unused tail zeroed.</summary>
    internal const int BpfAttrSize = 128;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    internal static partial int Bpf(long number, int command, byte* attr, uint size);
}
