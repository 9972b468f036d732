using System.Buffers;
using System.Text;
using Containers.Errors;

namespace Containers.Images.Layers.Tar;

/// <summary>
/// Writes ustar headers, preceded by a PAX header only when something does not fit ustar: a long
/// or non-ASCII name, an id or size beyond the octal fields, nanoseconds in the mtime, or
/// extended attributes. Headers and small contents collect in one pooled buffer so that the
/// compressor below sees large writes.
/// </summary>
public sealed class TarWriter : IAsyncDisposable
{
    private const int BlockSize = TarReader.BlockSize;
    private const int BufferSize = 128 * 1024;
    private const long MaxOctal7 = 0x1FFFFF; // 7 octal digits
    private const long MaxOctal11 = 0x1FFFFFFFF; // 11 octal digits

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _count;
    private long _remaining;
    private int _padding;
    private string? _current;
    private bool _completed;
    private long _flushed;

    public TarWriter(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Bytes of tar written so far.</summary>
    public long Position => _flushed + _count;

    /// <summary>Writes an entry's header; its <see cref="TarEntry.Size"/> bytes of content must follow through <see cref="WriteDataAsync"/>.</summary>
    public async ValueTask WriteHeaderAsync(TarEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        if (_remaining != 0)
        {
            throw new InvalidOperationException($"entry \"{_current}\" still needs {_remaining} bytes of content before the next header");
        }

        if (entry.Size < 0 || (entry.Size > 0 && entry.Type != TarEntryType.RegularFile))
        {
            throw new InvalidArgumentException($"tar entry \"{entry.Name}\" of type {entry.Type} cannot have size {entry.Size}; only regular files have content");
        }

        var pax = BuildPaxRecords(entry);
        if (pax is not null)
        {
            var records = pax.WrittenMemory;
            var needed = (BlockSize * 2) + records.Length + Pad(records.Length);
            await EnsureSpaceAsync(needed, cancellationToken).ConfigureAwait(false);
            WriteHeaderBlock(PaxHeaderEntry(entry, records.Length), 'x', forPax: true);
            if (records.Length <= _buffer.Length - _count)
            {
                records.Span.CopyTo(_buffer.AsSpan(_count));
                _count += records.Length;
            }
            else
            {
                // A PAX header larger than the buffer (huge xattrs) is written through.
                await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
                await WriteThroughAsync(records, cancellationToken).ConfigureAwait(false);
            }

            await EnsureSpaceAsync(Pad(records.Length) + BlockSize, cancellationToken).ConfigureAwait(false);
            AppendZeros(Pad(records.Length));
        }
        else
        {
            await EnsureSpaceAsync(BlockSize, cancellationToken).ConfigureAwait(false);
        }

        WriteHeaderBlock(entry, (char)entry.Type, forPax: false);
        _current = entry.Name;
        _remaining = entry.Size;
        _padding = Pad(entry.Size);
        if (_remaining == 0)
        {
            _padding = 0;
        }
    }

    /// <summary>Writes content of the current entry; the padding follows by itself once all of it is written.</summary>
    public async ValueTask WriteDataAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (data.Length > _remaining)
        {
            throw new InvalidArgumentException($"tar entry \"{_current}\" declared {_remaining} more bytes of content but was given {data.Length}; the file changed while it was read");
        }

        if (data.Length <= _buffer.Length - _count)
        {
            data.Span.CopyTo(_buffer.AsSpan(_count));
            _count += data.Length;
        }
        else
        {
            await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
            await WriteThroughAsync(data, cancellationToken).ConfigureAwait(false);
        }

        _remaining -= data.Length;
        if (_remaining == 0 && _padding > 0)
        {
            await EnsureSpaceAsync(_padding, cancellationToken).ConfigureAwait(false);
            AppendZeros(_padding);
            _padding = 0;
        }
    }

    /// <summary>
    /// Space in the writer's own buffer for up to <paramref name="maximum"/> bytes of content,
    /// so a caller can read a file straight into it; commit with <see cref="Advance"/>.
    /// </summary>
    public async ValueTask<Memory<byte>> GetDataBufferAsync(int maximum, CancellationToken cancellationToken = default)
    {
        var want = (int)Math.Min(Math.Min(maximum, _remaining), BufferSize / 2);
        await EnsureSpaceAsync(Math.Max(want, 1), cancellationToken).ConfigureAwait(false);
        return _buffer.AsMemory(_count, want);
    }

    /// <summary>Commits <paramref name="count"/> bytes placed in the memory from <see cref="GetDataBufferAsync"/>.</summary>
    public async ValueTask AdvanceAsync(int count, CancellationToken cancellationToken = default)
    {
        if (count > _remaining || count > _buffer.Length - _count)
        {
            throw new InvalidOperationException($"advanced {count} bytes past the content of \"{_current}\"");
        }

        _count += count;
        _remaining -= count;
        if (_remaining == 0 && _padding > 0)
        {
            await EnsureSpaceAsync(_padding, cancellationToken).ConfigureAwait(false);
            AppendZeros(_padding);
            _padding = 0;
        }
    }

    /// <summary>Copies exactly <see cref="TarEntry.Size"/> bytes from <paramref name="data"/> after the header.</summary>
    public async ValueTask WriteEntryAsync(TarEntry entry, Stream? data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await WriteHeaderAsync(entry, cancellationToken).ConfigureAwait(false);
        if (entry.Size == 0)
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(data);
        while (_remaining > 0)
        {
            var memory = await GetDataBufferAsync(int.MaxValue, cancellationToken).ConfigureAwait(false);
            var read = await data.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new InvalidArgumentException($"tar entry \"{entry.Name}\" declared {entry.Size} bytes but its content ended {_remaining} bytes short; the file changed while it was read");
            }

            await AdvanceAsync(read, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the end-of-archive blocks and flushes. The stream below is not closed.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_completed)
        {
            return;
        }

        if (_remaining != 0)
        {
            throw new InvalidOperationException($"entry \"{_current}\" still needs {_remaining} bytes of content");
        }

        await EnsureSpaceAsync(BlockSize * 2, cancellationToken).ConfigureAwait(false);
        AppendZeros(BlockSize * 2);
        await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_buffer.Length == 0)
        {
            return;
        }

        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        if (!_leaveOpen)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static int Pad(long length) => (int)((BlockSize - (length % BlockSize)) % BlockSize);

    private static TarEntry PaxHeaderEntry(TarEntry entry, int size)
    {
        var name = entry.Name.TrimEnd('/');
        var slash = name.LastIndexOf('/');
        var baseName = slash >= 0 ? name[(slash + 1)..] : name;
        var paxName = "PaxHeaders.0/" + baseName;
        if (Encoding.UTF8.GetByteCount(paxName) > 99 || !Ascii.IsValid(paxName))
        {
            paxName = "PaxHeaders.0/entry";
        }

        return new TarEntry
        {
            Name = paxName,
            Type = TarEntryType.RegularFile,
            Mode = 0x1a4,
            Size = size,
            ModificationTime = new UnixTime(Math.Clamp(entry.ModificationTime.Seconds, 0, MaxOctal11), 0),
        };
    }

    private static ArrayBufferWriter<byte>? BuildPaxRecords(TarEntry entry)
    {
        ArrayBufferWriter<byte>? records = null;
        if (!FitsUstarName(entry.Name, out _))
        {
            AddRecord(ref records, "path", Encoding.UTF8.GetBytes(entry.Name));
        }

        if (entry.LinkName is { } link && (link.Length > 100 || !Ascii.IsValid(link) || Encoding.UTF8.GetByteCount(link) > 100))
        {
            AddRecord(ref records, "linkpath", Encoding.UTF8.GetBytes(link));
        }

        if (entry.Size > MaxOctal11)
        {
            AddRecord(ref records, "size", Encoding.ASCII.GetBytes(entry.Size.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (entry.Uid > MaxOctal7)
        {
            AddRecord(ref records, "uid", Encoding.ASCII.GetBytes(entry.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (entry.Gid > MaxOctal7)
        {
            AddRecord(ref records, "gid", Encoding.ASCII.GetBytes(entry.Gid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var mtime = entry.ModificationTime;
        if (mtime.Nanoseconds != 0 || mtime.Seconds < 0 || mtime.Seconds > MaxOctal11)
        {
            AddRecord(ref records, "mtime", Encoding.ASCII.GetBytes(FormatTime(mtime)));
        }

        if (entry.UserName is { } user && (user.Length > 31 || !Ascii.IsValid(user)))
        {
            AddRecord(ref records, "uname", Encoding.UTF8.GetBytes(user));
        }

        if (entry.GroupName is { } group && (group.Length > 31 || !Ascii.IsValid(group)))
        {
            AddRecord(ref records, "gname", Encoding.UTF8.GetBytes(group));
        }

        if (entry.ExtendedAttributes.Count > 0)
        {
            // Sorted, so that the same tree always gives the same bytes.
            foreach (var (name, value) in entry.ExtendedAttributes.OrderBy(x => x.Key, StringComparer.Ordinal))
            {
                AddRecord(ref records, "SCHILY.xattr." + name, value);
            }
        }

        return records;
    }

    private static string FormatTime(UnixTime time)
    {
        if (time.Seconds >= 0 || time.Nanoseconds == 0)
        {
            return time.Nanoseconds == 0 ? time.Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{time.Seconds}.{time.Nanoseconds:D9}".TrimEnd('0');
        }

        // -1.5 s is seconds -2 plus 0.5 s.
        return $"-{-(time.Seconds + 1)}.{1_000_000_000 - time.Nanoseconds:D9}".TrimEnd('0');
    }

    private static void AddRecord(ref ArrayBufferWriter<byte>? records, string key, ReadOnlySpan<byte> value)
    {
        records ??= new ArrayBufferWriter<byte>(512);
        var keyBytes = Encoding.UTF8.GetByteCount(key);
        var body = keyBytes + value.Length + 3; // ' ', '=' and '\n'
        var length = body + 1;
        while (length != body + Digits(length))
        {
            length = body + Digits(length);
        }

        var span = records.GetSpan(length);
        var written = 0;
        length.TryFormat(span, out var digits, provider: System.Globalization.CultureInfo.InvariantCulture);
        written += digits;
        span[written++] = (byte)' ';
        written += Encoding.UTF8.GetBytes(key, span[written..]);
        span[written++] = (byte)'=';
        value.CopyTo(span[written..]);
        written += value.Length;
        span[written++] = (byte)'\n';
        records.Advance(written);
    }

    private static int Digits(int value) => value < 10 ? 1 : value < 100 ? 2 : value < 1000 ? 3 : value < 10000 ? 4 : value < 100000 ? 5 : value < 1000000 ? 6 : value < 10000000 ? 7 : value < 100000000 ? 8 : value < 1000000000 ? 9 : 10;

    /// <summary>Whether the name fits ustar's name field, or its prefix and name fields split at a '/'.</summary>
    private static bool FitsUstarName(string name, out int split)
    {
        split = -1;
        if (!Ascii.IsValid(name))
        {
            return false;
        }

        if (name.Length <= 100)
        {
            return true;
        }

        if (name.Length > 256)
        {
            return false;
        }

        for (var i = Math.Min(name.Length - 1, 155); i >= 0; i--)
        {
            if (name[i] == '/' && name.Length - i - 1 <= 100 && i > 0 && name.Length - i - 1 > 0)
            {
                split = i;
                return true;
            }
        }

        return false;
    }

    private void WriteHeaderBlock(TarEntry entry, char typeflag, bool forPax)
    {
        var header = _buffer.AsSpan(_count, BlockSize);
        header.Clear();
        if (FitsUstarName(entry.Name, out var split))
        {
            if (split < 0)
            {
                Encoding.ASCII.GetBytes(entry.Name, header[..100]);
            }
            else
            {
                Encoding.ASCII.GetBytes(entry.Name.AsSpan(0, split), header.Slice(345, 155));
                Encoding.ASCII.GetBytes(entry.Name.AsSpan(split + 1), header[..100]);
            }
        }
        else
        {
            // The PAX path record carries the name; keep a readable ASCII stand-in for old readers.
            var fallback = Ascii.IsValid(entry.Name) ? entry.Name : "non-ascii-name";
            Encoding.ASCII.GetBytes(fallback.AsSpan(0, Math.Min(fallback.Length, 99)), header[..100]);
        }

        WriteOctal(header.Slice(100, 8), entry.Mode & 0xfff);
        WriteOctal(header.Slice(108, 8), entry.Uid <= MaxOctal7 ? entry.Uid : 0);
        WriteOctal(header.Slice(116, 8), entry.Gid <= MaxOctal7 ? entry.Gid : 0);
        WriteOctal(header.Slice(124, 12), entry.Size <= MaxOctal11 ? entry.Size : 0);
        WriteOctal(header.Slice(136, 12), Math.Clamp(entry.ModificationTime.Seconds, 0, MaxOctal11));
        header[156] = (byte)typeflag;
        if (!forPax && entry.LinkName is { } link)
        {
            var bytes = Encoding.UTF8.GetByteCount(link) <= 100 && Ascii.IsValid(link) ? link : string.Empty;
            Encoding.ASCII.GetBytes(bytes, header.Slice(157, 100));
        }

        "ustar\000"u8.CopyTo(header.Slice(257, 8));
        if (!forPax)
        {
            WriteName(header.Slice(265, 32), entry.UserName);
            WriteName(header.Slice(297, 32), entry.GroupName);
        }

        if (entry.Type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice)
        {
            WriteOctal(header.Slice(329, 8), entry.DeviceMajor);
            WriteOctal(header.Slice(337, 8), entry.DeviceMinor);
        }

        header.Slice(148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in header)
        {
            sum += b;
        }

        WriteOctal(header.Slice(148, 7), sum);
        header[155] = (byte)' ';
        _count += BlockSize;
    }

    private static void WriteName(Span<byte> field, string? name)
    {
        if (name is not null && name.Length <= 31 && Ascii.IsValid(name))
        {
            Encoding.ASCII.GetBytes(name, field);
        }
    }

    /// <summary>Zero-padded octal filling all but the last byte of the field, which stays NUL.</summary>
    private static void WriteOctal(Span<byte> field, long value)
    {
        var digits = field.Length - 1;
        for (var i = digits - 1; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }

        if (value != 0)
        {
            // Too large for octal: GNU base-256 (only device numbers can get here).
            throw new InvalidArgumentException($"value does not fit a {field.Length}-byte tar header field");
        }
    }

    private void AppendZeros(int count)
    {
        _buffer.AsSpan(_count, count).Clear();
        _count += count;
    }

    private async ValueTask EnsureSpaceAsync(int bytes, CancellationToken cancellationToken)
    {
        if (_buffer.Length - _count < bytes)
        {
            await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask FlushBufferAsync(CancellationToken cancellationToken)
    {
        if (_count > 0)
        {
            await _stream.WriteAsync(_buffer.AsMemory(0, _count), cancellationToken).ConfigureAwait(false);
            _flushed += _count;
            _count = 0;
        }
    }

    private async ValueTask WriteThroughAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        _flushed += data.Length;
    }
}
