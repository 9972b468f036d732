using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Containers.Runtime.Shim;

/// <summary>
/// What the shim is to do, as a flat list of records. The spec is interpreted here, in C#; the
/// shim only executes. Encoding: <c>u32 op, u32 count, count × (u32 length, bytes)</c>.
/// </summary>
internal sealed class ShimPlan
{
    private readonly ArrayBufferWriter<byte> buffer = new(4096);

    /// <summary>The encoded plan.</summary>
    public ReadOnlyMemory<byte> Bytes => buffer.WrittenMemory;

    public ShimPlan Add(ShimOp op, params ReadOnlySpan<string> args)
    {
        WriteUInt32((uint)op);
        WriteUInt32((uint)args.Length);
        foreach (var arg in args)
        {
            if (arg.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"a plan argument for {op} holds a NUL character: \"{arg.Replace("\0", "\\0", StringComparison.Ordinal)}\"", nameof(args));
            }

            var length = Encoding.UTF8.GetByteCount(arg);
            WriteUInt32((uint)length);
            Encoding.UTF8.GetBytes(arg, buffer.GetSpan(length));
            buffer.Advance(length);
        }

        return this;
    }

    public ShimPlan Add(ShimOp op, IReadOnlyList<string> args)
    {
        var array = new string[args.Count];
        for (var i = 0; i < array.Length; i++)
        {
            array[i] = args[i];
        }

        return Add(op, array.AsSpan());
    }

    /// <summary>Numbers travel as decimal text.</summary>
    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Unsigned numbers, masks and flags among them, travel as decimal text.</summary>
    public static string Number(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }
}
