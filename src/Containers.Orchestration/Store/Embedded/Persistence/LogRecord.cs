using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Containers.Orchestration.Store.Embedded.Persistence;

/// <summary>
/// One framed record of the write-ahead log and the snapshot: <c>[u32 length][u32 crc32c][payload]</c>,
/// with payload <c>[u8 op][i64 revision][u32 key length][key][object JSON]</c>, little-endian.
/// </summary>
internal readonly record struct LogRecord(LogOp Op, long Revision, string Key, ReadOnlyMemory<byte> Json)
{
    public const int FrameHeaderSize = 8;
    private const int PayloadHeaderSize = 1 + 8 + 4;

    /// <summary>Records larger than this are corrupt by definition (objects are far smaller).</summary>
    public const int MaxPayload = 64 << 20;

    public void WriteTo(IBufferWriter<byte> output)
    {
        var keyLength = Encoding.UTF8.GetByteCount(Key);
        var payloadLength = PayloadHeaderSize + keyLength + Json.Length;
        var span = output.GetSpan(FrameHeaderSize + payloadLength);
        var payload = span.Slice(FrameHeaderSize, payloadLength);
        payload[0] = (byte)Op;
        BinaryPrimitives.WriteInt64LittleEndian(payload[1..], Revision);
        BinaryPrimitives.WriteUInt32LittleEndian(payload[9..], (uint)keyLength);
        Encoding.UTF8.GetBytes(Key, payload.Slice(PayloadHeaderSize, keyLength));
        Json.Span.CopyTo(payload[(PayloadHeaderSize + keyLength)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Crc32C.Compute(payload));
        output.Advance(FrameHeaderSize + payloadLength);
    }

    /// <summary>
    /// Reads the record at the start of <paramref name="data"/>; false when the bytes there are not a
    /// whole, intact record (a torn tail, or damage).
    /// </summary>
    public static bool TryRead(ReadOnlyMemory<byte> data, out LogRecord record, out int consumed)
    {
        record = default;
        consumed = 0;
        var span = data.Span;
        if (span.Length < FrameHeaderSize)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(span);
        if (length < PayloadHeaderSize || length > MaxPayload || length > span.Length - FrameHeaderSize)
        {
            return false;
        }

        var payload = span.Slice(FrameHeaderSize, (int)length);
        if (Crc32C.Compute(payload) != BinaryPrimitives.ReadUInt32LittleEndian(span[4..]))
        {
            return false;
        }

        var op = (LogOp)payload[0];
        var keyLength = BinaryPrimitives.ReadUInt32LittleEndian(payload[9..]);
        if (op is not (LogOp.Put or LogOp.Delete) || keyLength > length - PayloadHeaderSize)
        {
            return false;
        }

        var key = Encoding.UTF8.GetString(payload.Slice(PayloadHeaderSize, (int)keyLength));
        var jsonStart = FrameHeaderSize + PayloadHeaderSize + (int)keyLength;
        record = new LogRecord(op, BinaryPrimitives.ReadInt64LittleEndian(payload[1..]), key, data[jsonStart..(FrameHeaderSize + (int)length)]);
        consumed = FrameHeaderSize + (int)length;
        return true;
    }
}
