using System.Buffers.Binary;

namespace Containers.Cgroups.Devices;

/// <summary>
/// The BPF_PROG_TYPE_CGROUP_DEVICE program for a <see cref="DeviceRuleSet"/>: cgroup v2 has no
/// devices files, and the kernel asks this program instead, for every open and mknod of a device
/// by a task in the cgroup. It returns 1 to allow and 0 to refuse. The context is
/// <c>struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }</c>, where the low
/// 16 bits of access_type are the device type and the high 16 the access.
/// </summary>
internal static class DeviceFilterProgram
{
    private const int DevBlock = 1;
    private const int DevChar = 2;

    // Opcodes (linux/bpf_common.h, linux/bpf.h).
    private const byte LdxMemW = 0x61;   // dst = *(u32 *)(src + off)
    private const byte Alu32AndK = 0x54; // dst &= imm
    private const byte Alu32RshK = 0x74; // dst >>= imm
    private const byte Alu32MovX = 0xbc; // dst = src
    private const byte Alu64MovK = 0xb7; // dst = imm
    private const byte JmpJneK = 0x55;   // if dst != imm goto +off
    private const byte JmpJneX = 0x5d;   // if dst != src goto +off
    private const byte JmpExit = 0x95;

    /// <summary>The program's instructions, 8 bytes each, as bpf(BPF_PROG_LOAD) takes them.</summary>
    public static byte[] Build(DeviceRuleSet rules)
    {
        var code = new List<ulong>
        {
            Insn(LdxMemW, 2, 1, 0, 0),     // r2 = access_type
            Insn(Alu32AndK, 2, 0, 0, 0xffff), // r2 = device type
            Insn(LdxMemW, 3, 1, 0, 0),     // r3 = access_type
            Insn(Alu32RshK, 3, 0, 0, 16),  // r3 = access asked for
            Insn(LdxMemW, 4, 1, 4, 0),     // r4 = major
            Insn(LdxMemW, 5, 1, 8, 0),     // r5 = minor
        };

        // Each exception is a block: any test that fails jumps past the block's end; passing them
        // all returns the exception's verdict. After the last block comes the default.
        foreach (var e in rules.Exceptions)
        {
            var tests = new List<(byte Op, byte Dst, byte Src, int Imm)>();
            if (e.Type != CgroupDeviceType.All)
            {
                tests.Add((JmpJneK, 2, 0, e.Type == CgroupDeviceType.Block ? DevBlock : DevChar));
            }

            var prelude = new List<ulong>();
            if (e.Access != DeviceAccess.All)
            {
                // Allowed only if every access asked for is in the exception: (asked & mine) == asked.
                prelude.Add(Insn(Alu32MovX, 1, 3, 0, 0));
                prelude.Add(Insn(Alu32AndK, 1, 0, 0, e.Access));
            }

            if (e.Major is { } major)
            {
                tests.Add((JmpJneK, 4, 0, checked((int)major)));
            }

            if (e.Minor is { } minor)
            {
                tests.Add((JmpJneK, 5, 0, checked((int)minor)));
            }

            if (e.Access != DeviceAccess.All)
            {
                tests.Add((JmpJneX, 1, 3, 0));
            }

            var verdict = rules.DefaultAllow ? 0 : 1;
            var blockLength = prelude.Count + tests.Count + 2;
            code.AddRange(prelude);
            for (var i = 0; i < tests.Count; i++)
            {
                var position = prelude.Count + i;
                var skip = blockLength - position - 1;
                code.Add(Insn(tests[i].Op, tests[i].Dst, tests[i].Src, (short)skip, tests[i].Imm));
            }

            code.Add(Insn(Alu64MovK, 0, 0, 0, verdict));
            code.Add(Insn(JmpExit, 0, 0, 0, 0));
        }

        code.Add(Insn(Alu64MovK, 0, 0, 0, rules.DefaultAllow ? 1 : 0));
        code.Add(Insn(JmpExit, 0, 0, 0, 0));

        var bytes = new byte[code.Count * 8];
        for (var i = 0; i < code.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), code[i]);
        }

        return bytes;
    }

    /// <summary>struct bpf_insn: u8 code; u8 dst:4, src:4; s16 off; s32 imm (little-endian).</summary>
    private static ulong Insn(byte op, byte dst, byte src, short off, int imm) =>
        op | ((ulong)(byte)((src << 4) | dst) << 8) | ((ulong)(ushort)off << 16) | ((ulong)(uint)imm << 32);
}
