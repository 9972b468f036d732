using System.Buffers.Binary;
using System.Numerics;

namespace Containers.Orchestration.Store.Embedded.Persistence;

/// <summary>CRC-32C (Castagnoli), as etcd's WAL uses, on the CPU's CRC32 instructions where it has them.</summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
