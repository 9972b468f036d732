using System.Buffers;
using System.Text;
using Containers.Errors;

namespace Containers.Images.Layers.Tar;

/// <summary>
/// Reads ustar, PAX and GNU tar streams from a pooled buffer, parsing headers as spans.
/// Everything read is hostile: sizes, names and PAX headers are capped by
/// <see cref="TarReaderOptions"/>, checksums are verified, and an unsupported entry type (sparse
/// files, multi-volume) is an error rather than something silently skipped.
/// </summary>
public sealed class TarReader : IAsyncDisposable
{
    internal const int BlockSize = 512;
    private const int BufferSize = 128 * 1024;

    private readonly Stream _stream;
    private readonly TarReaderOptions _options;
    private readonly bool _leaveOpen;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _start;
    private int _end;
    private long _bytesRead;
    private long _remaining;
    private int _padding;
    private bool _finished;
    private TarEntry? _current;

    // The last entry returned, so that an error in the header after it can say where it is.
    private string? _previous;

    public TarReader(Stream stream, TarReaderOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _options = options ?? TarReaderOptions.Default;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Entries returned so far.</summary>
    public long EntryCount { get; private set; }

    /// <summary>Bytes taken from the underlying stream so far.</summary>
    public long BytesRead => _bytesRead;

    /// <summary>Content bytes of the current entry not yet read.</summary>
    public long RemainingData => _remaining;

    /// <summary>The next entry, or null at the end of the archive. Unread content of the previous entry is skipped.</summary>
    public async ValueTask<TarEntry?> GetNextEntryAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        await SkipAsync(_remaining + _padding, cancellationToken).ConfigureAwait(false);
        _remaining = 0;
        _padding = 0;
        _current = null;
        if (_finished)
        {
            return null;
        }

        var pending = default(PendingHeaders);
        while (true)
        {
            var available = await FillAsync(BlockSize, cancellationToken).ConfigureAwait(false);
            if (available == 0 && !pending.Any)
            {
                // A stream that simply stops where an entry would begin is accepted, as GNU tar and Go do.
                _finished = true;
                return null;
            }

            if (available < BlockSize)
            {
                // Name what the cut header and the entry before it say, to show where the stream broke.
                var partial = available >= 100 ? $" of entry \"{Truncate(Printable(DecodeString(_buffer.AsSpan(_start, 100))))}\"" : string.Empty;
                var after = _previous is null ? string.Empty : $" (after entry \"{Truncate(_previous)}\")";
                throw Malformed($"ends inside the header{partial}{after} after {_bytesRead} bytes; the archive is truncated");
            }

            var header = _buffer.AsSpan(_start, BlockSize);
            if (!header.ContainsAnyExcept((byte)0))
            {
                _start += BlockSize;
                if (pending.Any)
                {
                    throw Malformed("ends after an extended header with no entry for it");
                }

                _finished = true;
                return null;
            }

            VerifyChecksum(header);
            var typeflag = header[156];
            var size = ParseNumber(header, 124, 12, "size");
            if (size < 0)
            {
                throw Malformed($"has an entry with negative size {size}");
            }

            switch (typeflag)
            {
                case (byte)'x':
                case (byte)'g':
                    {
                        var headerName = HeaderName(header);
                        _start += BlockSize;
                        var records = await ReadMetadataAsync(size, "PAX header", headerName, _options.MaxPaxHeaderSize, cancellationToken).ConfigureAwait(false);
                        if (typeflag == 'x')
                        {
                            ParsePax(records.Array.AsSpan(0, records.Length), headerName, ref pending);
                        }

                        ArrayPool<byte>.Shared.Return(records.Array);
                        continue;
                    }

                case (byte)'L':
                case (byte)'K':
                    {
                        var headerName = HeaderName(header);
                        _start += BlockSize;
                        var value = await ReadMetadataAsync(size, "GNU long name", headerName, _options.MaxPathLength + 1, cancellationToken).ConfigureAwait(false);
                        var text = DecodeString(value.Array.AsSpan(0, value.Length));
                        ArrayPool<byte>.Shared.Return(value.Array);
                        if (typeflag == 'L')
                        {
                            pending.LongName = text;
                        }
                        else
                        {
                            pending.LongLink = text;
                        }

                        continue;
                    }
            }

            var entry = BuildEntry(header, typeflag, size, ref pending);
            _start += BlockSize;
            EntryCount++;
            if (EntryCount > _options.MaxEntries)
            {
                throw Limit($"has more than {_options.MaxEntries} entries", nameof(TarReaderOptions.MaxEntries));
            }

            // Header-only types carry no content, whatever their size field says (as Go's archive/tar reads them).
            _remaining = entry.Size;
            _padding = (int)((BlockSize - (entry.Size % BlockSize)) % BlockSize);
            _current = entry;
            _previous = entry.Name;
            return entry;
        }
    }

    /// <summary>Reads content of the current entry; 0 at its end.</summary>
    public async ValueTask<int> ReadDataAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (_remaining == 0 || destination.IsEmpty)
        {
            return 0;
        }

        var want = (int)Math.Min(destination.Length, _remaining);
        int got;
        if (_end > _start)
        {
            got = Math.Min(want, _end - _start);
            _buffer.AsSpan(_start, got).CopyTo(destination.Span);
            _start += got;
        }
        else if (want >= BufferSize / 2)
        {
            // Large reads go straight to the caller's buffer: no second copy of file content.
            got = await _stream.ReadAsync(destination[..want], cancellationToken).ConfigureAwait(false);
            Count(got);
        }
        else
        {
            var available = await FillAsync(1, cancellationToken).ConfigureAwait(false);
            got = Math.Min(want, available);
            _buffer.AsSpan(_start, got).CopyTo(destination.Span);
            _start += got;
        }

        if (got == 0)
        {
            throw Malformed($"ends inside the content of entry \"{_current?.Name}\" with {_remaining} bytes missing; the archive is truncated");
        }

        _remaining -= got;
        return got;
    }

    /// <summary>Copies the rest of the current entry's content into <paramref name="destination"/>.</summary>
    public async ValueTask CopyDataToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var chunk = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await ReadDataAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await destination.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>
    /// Reads the underlying stream to its end (what follows the end-of-archive blocks still belongs
    /// to the layer, and to its DiffID), keeping to <see cref="TarReaderOptions.MaxBytes"/>.
    /// </summary>
    public async ValueTask DrainAsync(CancellationToken cancellationToken = default)
    {
        _finished = true;
        _remaining = 0;
        _padding = 0;
        _start = _end = 0;
        while (await FillAsync(1, cancellationToken).ConfigureAwait(false) > 0)
        {
            _start = _end = 0;
        }
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

    private TarEntry BuildEntry(ReadOnlySpan<byte> header, byte typeflag, long size, ref PendingHeaders pending)
    {
        var gnu = header.Slice(257, 8).SequenceEqual("ustar  \0"u8);
        var ustar = !gnu && header.Slice(257, 5).SequenceEqual("ustar"u8);
        var name = pending.Path ?? pending.LongName;
        if (name is null)
        {
            name = DecodeString(header[..100]);
            if (ustar && header[345] != 0)
            {
                name = DecodeString(header.Slice(345, 155)) + "/" + name;
            }
        }

        var type = typeflag switch
        {
            (byte)'0' or (byte)'7' => TarEntryType.RegularFile,
            0 => name.EndsWith('/') ? TarEntryType.Directory : TarEntryType.RegularFile,
            (byte)'1' or (byte)'2' or (byte)'3' or (byte)'4' or (byte)'5' or (byte)'6' => (TarEntryType)typeflag,
            (byte)'S' => throw Malformed($"has entry \"{name}\", a sparse file (GNU type 'S'); sparse files are not supported in layers"),
            _ => throw Malformed($"has entry \"{name}\" of unsupported type '{(char)typeflag}' (0x{typeflag:x2}); layers hold files, directories, links, devices and FIFOs"),
        };
        if (pending.Sparse)
        {
            throw Malformed($"has entry \"{name}\", a sparse file (PAX GNU.sparse); sparse files are not supported in layers");
        }

        var linkName = pending.LinkPath ?? pending.LongLink;
        if (linkName is null && header[157] != 0)
        {
            linkName = DecodeString(header.Slice(157, 100));
        }

        CheckPath(name, name, "name");
        if (linkName is not null)
        {
            CheckPath(linkName, name, "link target");
        }

        var entrySize = pending.Size ?? size;
        var entry = new TarEntry
        {
            Name = name,
            Type = type,
            Mode = (int)(ParseNumber(header, 100, 8, "mode") & 0xfff),
            Uid = pending.Uid ?? ParseNumber(header, 108, 8, "uid"),
            Gid = pending.Gid ?? ParseNumber(header, 116, 8, "gid"),
            ModificationTime = pending.ModificationTime ?? new UnixTime(ParseNumber(header, 136, 12, "mtime"), 0),
            Size = type == TarEntryType.RegularFile ? entrySize : 0,
            LinkName = type is TarEntryType.HardLink or TarEntryType.SymbolicLink ? linkName ?? string.Empty : null,
            UserName = pending.UserName ?? (ustar || gnu ? NullIfEmpty(DecodeString(header.Slice(265, 32))) : null),
            GroupName = pending.GroupName ?? (ustar || gnu ? NullIfEmpty(DecodeString(header.Slice(297, 32))) : null),
            DeviceMajor = type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice ? (int)ParseNumber(header, 329, 8, "devmajor") : 0,
            DeviceMinor = type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice ? (int)ParseNumber(header, 337, 8, "devminor") : 0,
            ExtendedAttributes = (IReadOnlyDictionary<string, byte[]>?)pending.Xattrs ?? TarEntry.Empty,
        };
        if (entrySize < 0 || entry.Uid < 0 || entry.Gid < 0)
        {
            throw Malformed($"entry \"{name}\" has a negative size or id");
        }

        pending = default;
        return entry;
    }

    /// <summary>Caps a name or link target of the entry <paramref name="name"/>, and refuses a NUL in it (PAX values may carry one).</summary>
    private void CheckPath(string value, string name, string what)
    {
        if (Encoding.UTF8.GetByteCount(value) > _options.MaxPathLength)
        {
            var entry = what == "name" ? "an entry" : $"entry \"{Truncate(name)}\" with a";
            throw Limit($"has {entry} {what} of {Encoding.UTF8.GetByteCount(value)} bytes (\"{Truncate(value)}\"), over the limit of {_options.MaxPathLength}", nameof(TarReaderOptions.MaxPathLength));
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw Malformed($"has entry \"{Truncate(name).Replace("\0", "\\0", StringComparison.Ordinal)}\" with a NUL byte in its {what}, where a C reader would cut it short");
        }
    }

    private async ValueTask<(byte[] Array, int Length)> ReadMetadataAsync(long size, string what, string headerName, int limit, CancellationToken cancellationToken)
    {
        if (size > limit)
        {
            var knob = what == "PAX header" ? nameof(TarReaderOptions.MaxPaxHeaderSize) : nameof(TarReaderOptions.MaxPathLength);
            throw Limit($"has a {what} of {size} bytes (entry \"{headerName}\"), over the limit of {limit}", knob);
        }

        var length = (int)size;
        var array = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        var copied = 0;
        while (copied < length)
        {
            var available = await FillAsync(1, cancellationToken).ConfigureAwait(false);
            if (available == 0)
            {
                ArrayPool<byte>.Shared.Return(array);
                throw Malformed($"ends inside a {what} (entry \"{headerName}\"); the archive is truncated");
            }

            var take = Math.Min(available, length - copied);
            _buffer.AsSpan(_start, take).CopyTo(array.AsSpan(copied));
            _start += take;
            copied += take;
        }

        await SkipAsync((BlockSize - (size % BlockSize)) % BlockSize, cancellationToken).ConfigureAwait(false);
        return (array, length);
    }

    /// <summary>Parses the records of the PAX header entry <paramref name="header"/> (its name, for errors).</summary>
    private void ParsePax(ReadOnlySpan<byte> records, string header, ref PendingHeaders pending)
    {
        while (!records.IsEmpty)
        {
            // Each record is "<length> <key>=<value>\n", where length counts the whole record.
            var space = records.IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(records[..space], System.Globalization.NumberStyles.None, null, out var length) || length <= space + 1 || length > records.Length || records[length - 1] != '\n')
            {
                throw Malformed($"has a malformed PAX record in entry \"{header}\" (\"{Truncate(Printable(Encoding.UTF8.GetString(records[..Math.Min(records.Length, 64)])))}\")");
            }

            var record = records[(space + 1)..(length - 1)];
            records = records[length..];
            var equals = record.IndexOf((byte)'=');
            if (equals <= 0)
            {
                throw Malformed($"has a PAX record with no key in entry \"{header}\"");
            }

            var key = record[..equals];
            var value = record[(equals + 1)..];
            if (key.StartsWith("SCHILY.xattr."u8))
            {
                var name = DecodeString(key["SCHILY.xattr.".Length..]);
                pending.Xattrs ??= new Dictionary<string, byte[]>(StringComparer.Ordinal);
                pending.Xattrs[name] = value.ToArray();
                continue;
            }

            if (key.StartsWith("GNU.sparse."u8))
            {
                pending.Sparse = true;
                continue;
            }

            // An empty value unsets the key: the header's own field applies.
            var empty = value.IsEmpty;
            switch (Encoding.ASCII.GetString(key))
            {
                // Kept whole, NULs included, so that CheckPath refuses what a C reader would cut short.
                case "path":
                    pending.Path = empty ? null : Encoding.UTF8.GetString(value);
                    break;
                case "linkpath":
                    pending.LinkPath = empty ? null : Encoding.UTF8.GetString(value);
                    break;
                case "uname":
                    pending.UserName = empty ? null : DecodeString(value);
                    break;
                case "gname":
                    pending.GroupName = empty ? null : DecodeString(value);
                    break;
                case "size":
                    pending.Size = empty ? null : ParseDecimal(value, "size", header);
                    break;
                case "uid":
                    pending.Uid = empty ? null : ParseDecimal(value, "uid", header);
                    break;
                case "gid":
                    pending.Gid = empty ? null : ParseDecimal(value, "gid", header);
                    break;
                case "mtime":
                    pending.ModificationTime = empty ? null : ParseTime(value, header);
                    break;
                default:
                    break;
            }
        }
    }

    private long ParseDecimal(ReadOnlySpan<byte> value, string field, string header)
    {
        if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var result))
        {
            throw Malformed($"has PAX {field} \"{Truncate(Encoding.ASCII.GetString(value))}\" in entry \"{header}\", which is not a non-negative integer");
        }

        return result;
    }

    private UnixTime ParseTime(ReadOnlySpan<byte> value, string header)
    {
        var negative = !value.IsEmpty && value[0] == '-';
        var digits = negative ? value[1..] : value;
        var dot = digits.IndexOf((byte)'.');
        var whole = dot < 0 ? digits : digits[..dot];
        var seconds = ParseDecimal(whole, "mtime", header);
        uint nanos = 0;
        if (dot >= 0)
        {
            var fraction = digits[(dot + 1)..];
            for (var i = 0; i < 9; i++)
            {
                var digit = i < fraction.Length ? fraction[i] - '0' : 0;
                if (digit is < 0 or > 9)
                {
                    throw Malformed($"has PAX mtime \"{Truncate(Encoding.ASCII.GetString(value))}\" in entry \"{header}\", which is not a decimal time");
                }

                nanos = (nanos * 10) + (uint)digit;
            }
        }

        if (!negative)
        {
            return new UnixTime(seconds, nanos);
        }

        return nanos == 0 ? new UnixTime(-seconds, 0) : new UnixTime(-seconds - 1, 1_000_000_000 - nanos);
    }

    /// <summary>The octal (or GNU base-256) number in <paramref name="header"/>'s field at <paramref name="offset"/>.</summary>
    private long ParseNumber(ReadOnlySpan<byte> header, int offset, int length, string name)
    {
        var field = header.Slice(offset, length);
        if ((field[0] & 0x80) != 0)
        {
            // GNU base-256: big-endian two's complement; only non-negative values make sense here.
            if (field[0] == 0xff)
            {
                throw Malformed($"has a header for {HeaderContext(header)} with a negative base-256 {name}");
            }

            long value = field[0] & 0x7f;
            for (var i = 1; i < field.Length; i++)
            {
                if (value > (long.MaxValue >> 8))
                {
                    throw Malformed($"has a header for {HeaderContext(header)} with a base-256 {name} too large for 64 bits");
                }

                value = (value << 8) | field[i];
            }

            return value;
        }

        var span = field.TrimStart((byte)' ');
        var end = span.IndexOfAny((byte)0, (byte)' ');
        if (end >= 0)
        {
            span = span[..end];
        }

        long result = 0;
        foreach (var b in span)
        {
            if (b is < (byte)'0' or > (byte)'7')
            {
                throw Malformed($"has a header for {HeaderContext(header)} whose {name} field is not octal (\"{Printable(Encoding.ASCII.GetString(field).TrimEnd('\0'))}\")");
            }

            result = (result << 3) | (uint)(b - '0');
        }

        return result;
    }

    private void VerifyChecksum(ReadOnlySpan<byte> header)
    {
        var stored = ParseNumber(header, 148, 8, "checksum");
        long unsigned = 0;
        long signed = 0;
        for (var i = 0; i < BlockSize; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : header[i];
            unsigned += b;
            signed += (sbyte)b;
        }

        if (stored != unsigned && stored != signed)
        {
            throw Malformed($"has a header for {HeaderContext(header)} at byte {_bytesRead - (_end - _start)} whose checksum {stored} does not match its contents ({unsigned}); the archive is corrupt or not a tar");
        }
    }

    /// <summary>Makes at least <paramref name="wanted"/> bytes available unless the stream ends; returns what is available.</summary>
    private async ValueTask<int> FillAsync(int wanted, CancellationToken cancellationToken)
    {
        while (_end - _start < wanted)
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            Count(read);
            _end += read;
        }

        return _end - _start;
    }

    private async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_end == _start && await FillAsync(1, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw Malformed($"ends inside the content of entry \"{_current?.Name}\"; the archive is truncated");
            }

            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }
    }

    private void Count(int read)
    {
        _bytesRead += read;
        if (_bytesRead > _options.MaxBytes)
        {
            throw Limit($"is larger than {_options.MaxBytes} bytes uncompressed", nameof(TarReaderOptions.MaxBytes));
        }
    }

    private InvalidArgumentException Malformed(string what) => new($"{_options.Subject} {what}");

    private InvalidArgumentException Limit(string what, string knob) =>
        new($"{_options.Subject} {what}; refusing it (raise {nameof(TarReaderOptions)}.{knob} if it is trusted)");

    private static string DecodeString(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? field[..end] : field);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>The name a raw header gives, ustar prefix included, for errors about the header itself.</summary>
    private static string HeaderName(ReadOnlySpan<byte> header)
    {
        var name = DecodeString(header[..100]);
        return header.Slice(257, 6).SequenceEqual("ustar\0"u8) && header[345] != 0 ? $"{DecodeString(header.Slice(345, 155))}/{name}" : name;
    }

    /// <summary><c>entry "name" (after entry "previous")</c> for a header that cannot be trusted: printable and cut short.</summary>
    private string HeaderContext(ReadOnlySpan<byte> header)
    {
        var context = $"entry \"{Truncate(Printable(HeaderName(header)))}\"";
        return _previous is null ? context : $"{context} (after entry \"{Truncate(_previous)}\")";
    }

    /// <summary>Control characters (a corrupt header is full of them) shown as '?'.</summary>
    private static string Printable(string value) => string.Create(value.Length, value, static (span, text) =>
    {
        for (var i = 0; i < text.Length; i++)
        {
            span[i] = char.IsControl(text[i]) ? '?' : text[i];
        }
    });

    private static string Truncate(string value) => value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 61), "...");

    /// <summary>What PAX and GNU headers said about the entry that follows them.</summary>
    private struct PendingHeaders
    {
        public string? Path;
        public string? LinkPath;
        public string? LongName;
        public string? LongLink;
        public string? UserName;
        public string? GroupName;
        public long? Size;
        public long? Uid;
        public long? Gid;
        public UnixTime? ModificationTime;
        public Dictionary<string, byte[]>? Xattrs;
        public bool Sparse;

        public readonly bool Any => Path is not null || LinkPath is not null || LongName is not null || LongLink is not null || Size.HasValue || Xattrs is not null || Sparse;
    }
}
