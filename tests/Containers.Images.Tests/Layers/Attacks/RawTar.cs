using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Containers.Images.Tests.Layers.Attacks;

/// <summary>
/// A test-only tar builder that lays out every header byte itself, field by field, so that the
/// adversarial tests can write what no honest writer would: lying sizes, wrong checksums, names
/// with "..", raw PAX records of any length. It deliberately shares nothing with our TarWriter.
/// </summary>
internal sealed class RawTar
{
    public const int Block = 512;

    private readonly ArrayBufferWriter<byte> _bytes = new();

    /// <summary>One ustar header, with every field as text (or bytes) exactly as it goes on disk.</summary>
    public sealed record Header
    {
        /// <summary>name[100] at offset 0.</summary>
        public required string Name { get; init; }

        public char Type { get; init; } = '0';

        /// <summary>mode[8] at 100, as octal.</summary>
        public int Mode { get; init; } = 0x1a4; // 0644

        public long Uid { get; init; }

        public long Gid { get; init; }

        /// <summary>size[12] at 124, as octal; <see cref="SizeField"/> replaces it with raw bytes.</summary>
        public long Size { get; init; }

        public byte[]? SizeField { get; init; }

        public long ModificationTime { get; init; } = 1_700_000_000;

        /// <summary>linkname[100] at 157.</summary>
        public string LinkName { get; init; } = string.Empty;

        public string UserName { get; init; } = "root";

        public string GroupName { get; init; } = "root";

        public int DeviceMajor { get; init; }

        public int DeviceMinor { get; init; }

        /// <summary>prefix[155] at 345, joined to the name with a '/' by ustar readers.</summary>
        public string Prefix { get; init; } = string.Empty;

        /// <summary>Stored instead of the computed checksum.</summary>
        public long? Checksum { get; init; }
    }

    public RawTar Entry(Header header, ReadOnlySpan<byte> content = default)
    {
        var block = new byte[Block];
        Text(block, 0, 100, header.Name);
        Octal(block, 100, 8, header.Mode);
        Octal(block, 108, 8, header.Uid);
        Octal(block, 116, 8, header.Gid);
        if (header.SizeField is { } raw)
        {
            raw.CopyTo(block.AsSpan(124, 12));
        }
        else
        {
            Octal(block, 124, 12, header.Size);
        }

        Octal(block, 136, 12, header.ModificationTime);
        block[156] = (byte)header.Type;
        Text(block, 157, 100, header.LinkName);
        "ustar\0"u8.CopyTo(block.AsSpan(257));
        "00"u8.CopyTo(block.AsSpan(263));
        Text(block, 265, 32, header.UserName);
        Text(block, 297, 32, header.GroupName);
        Octal(block, 329, 8, header.DeviceMajor);
        Octal(block, 337, 8, header.DeviceMinor);
        Text(block, 345, 155, header.Prefix);

        // The checksum is the sum of the header's bytes with its own field read as eight spaces,
        // stored as six octal digits, a NUL and a space.
        block.AsSpan(148, 8).Fill((byte)' ');
        long sum = 0;
        foreach (var b in block)
        {
            sum += b;
        }

        Encoding.ASCII.GetBytes(Convert.ToString(header.Checksum ?? sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(block, 148);
        _bytes.Write(block);
        return Content(content);
    }

    /// <summary>Content bytes, then zeros up to the next block boundary.</summary>
    public RawTar Content(ReadOnlySpan<byte> content)
    {
        _bytes.Write(content);
        var padding = (Block - (content.Length % Block)) % Block;
        _bytes.Write(new byte[padding]);
        return this;
    }

    public RawTar File(string name, string content, int mode = 0x1a4 /* 0644 */, long uid = 0, long gid = 0)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        return Entry(new Header { Name = name, Mode = mode, Size = bytes.Length, Uid = uid, Gid = gid }, bytes);
    }

    public RawTar Directory(string name, int mode = 0x1ed /* 0755 */, long uid = 0, long gid = 0) =>
        Entry(new Header { Name = name, Type = '5', Mode = mode, Uid = uid, Gid = gid });

    public RawTar Symlink(string name, string target) => Entry(new Header { Name = name, Type = '2', Mode = 0x1ff, LinkName = target });

    public RawTar HardLink(string name, string target) => Entry(new Header { Name = name, Type = '1', LinkName = target });

    public RawTar Fifo(string name, int mode = 0x1b6 /* 0666 */) => Entry(new Header { Name = name, Type = '6', Mode = mode });

    public RawTar CharDevice(string name, int major, int minor, int mode = 0x1b6) =>
        Entry(new Header { Name = name, Type = '3', Mode = mode, DeviceMajor = major, DeviceMinor = minor });

    /// <summary>A PAX 'x' header whose records are "%d key=value\n", applying to the entry that follows.</summary>
    public RawTar Pax(params (string Key, string Value)[] records) =>
        PaxRaw(Records(records.Select(r => (r.Key, Encoding.UTF8.GetBytes(r.Value))).ToArray()));

    /// <summary>A PAX 'x' header holding exactly <paramref name="records"/>, well-formed or not.</summary>
    public RawTar PaxRaw(byte[] records, string name = "PaxHeaders/entry") =>
        Entry(new Header { Name = name, Type = 'x', Size = records.Length }, records);

    /// <summary>"%d key=value\n" records, each length counting itself, with values as raw bytes.</summary>
    public static byte[] Records(params (string Key, byte[] Value)[] records)
    {
        var output = new MemoryStream();
        foreach (var (key, value) in records)
        {
            var body = Encoding.UTF8.GetByteCount(key) + value.Length + 3;
            var length = body + 1;
            while (length.ToString(CultureInfo.InvariantCulture).Length + body != length)
            {
                length++;
            }

            output.Write(Encoding.ASCII.GetBytes($"{length} {key}="));
            output.Write(value);
            output.WriteByte((byte)'\n');
        }

        return output.ToArray();
    }

    /// <summary>A GNU 'L' header: the next entry's name, NUL-terminated, however long.</summary>
    public RawTar GnuLongName(string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name + "\0");
        return Entry(new Header { Name = "././@LongLink", Type = 'L', Size = bytes.Length }, bytes);
    }

    public RawTar Raw(ReadOnlySpan<byte> bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    /// <summary>The end of the archive: two zero blocks.</summary>
    public RawTar End() => Raw(new byte[2 * Block]);

    public byte[] ToArray() => _bytes.WrittenSpan.ToArray();

    public static byte[] Gzip(byte[] tar)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar);
        }

        return output.ToArray();
    }

    private static void Text(byte[] block, int offset, int length, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > length)
        {
            throw new ArgumentException($"\"{value}\" does not fit a {length}-byte field; use a PAX or GNU long name", nameof(value));
        }

        bytes.CopyTo(block, offset);
    }

    /// <summary>An octal number in <paramref name="length"/> - 1 digits and a NUL, as ustar writes it.</summary>
    private static void Octal(byte[] block, int offset, int length, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(length - 1, '0');
        if (digits.Length > length - 1)
        {
            throw new ArgumentException($"{value} does not fit a {length}-byte octal field", nameof(value));
        }

        Encoding.ASCII.GetBytes(digits).CopyTo(block, offset);
        block[offset + length - 1] = 0;
    }
}
