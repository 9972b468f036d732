using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using ICSharpCode.SharpZipLib.GZip;
using ICSharpCode.SharpZipLib.Tar;
using OurTarEntry = Containers.Images.Layers.Tar.TarEntry;
using OurTarEntryType = Containers.Images.Layers.Tar.TarEntryType;
using OurTarReader = Containers.Images.Layers.Tar.TarReader;
using OurTarReaderOptions = Containers.Images.Layers.Tar.TarReaderOptions;
using OurTarWriter = Containers.Images.Layers.Tar.TarWriter;
using UnixTime = Containers.Images.Layers.Tar.UnixTime;

namespace Containers.Benchmarks.Layers;

/// <summary>
/// Picks the tar and gzip code by measurement: our span-based tar codec against
/// <c>System.Formats.Tar</c> and SharpZipLib, and the BCL's <see cref="GZipStream"/> (zlib-ng)
/// against SharpZipLib's managed deflate, all on the same in-memory layer.
/// </summary>
/// <remarks>
/// <para>
/// The input is a layer-like tree made in <see cref="GlobalSetup"/> from a fixed seed: 60
/// directories and 3,000 files whose sizes are 256 KiB × r⁴ for a uniform r, so most files are small
/// and a few are large (mean about 53 KiB, 159 MB of content, a 161 MB tar), with prose-like
/// content that gzip at level 6 shrinks to about 35%. Everything stays in memory, and writers write
/// to a sink that only counts, so the codecs compete on CPU, not on the disk. The sink copies
/// nothing, so a writer that hands large content straight through pays nothing for it.
/// </para>
/// <para>
/// Ours, System.Formats.Tar and the BCL's GZipStream run through their async APIs, as the platform
/// uses them; over memory streams those complete synchronously. SharpZipLib runs through its sync
/// APIs: its gzip streams have no async reads of their own, so their ReadAsync is Stream's default,
/// which hops to the thread pool on every call, and that would measure the hop, not the codec. The setup checks once that every contestant reads or writes the same entries and
/// bytes, and throws if not, so a wrong comparison cannot produce numbers. The setup runs in every
/// case's process; it costs a few seconds.
/// </para>
/// <para>
/// Job: 2 warmup and 5 measured iterations, one launch; the slowest cases (SharpZipLib deflate)
/// take seconds per operation, so the whole suite runs in about 15 minutes on two cores.
/// </para>
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class TarCodecBenchmarks
{
    private const int Seed = 20261125;
    private const int FileCount = 3_000;
    private const int DirectoryCount = 60;
    private const int MaxFileSize = 256 * 1024;
    private const int ChunkSize = 128 * 1024;

    /// <summary>SharpZipLib's deflate streams default to 512-byte and 4 KiB buffers; give them the BCL's 64 KiB.</summary>
    private const int SharpZipLibBufferSize = 64 * 1024;

    private static readonly UnixTime ModificationTime = new(1_764_028_800, 0);

    private byte[] _content = [];
    private FileSlice[] _files = [];
    private string[] _directories = [];
    private byte[] _tar = [];
    private byte[] _gzip = [];
    private byte[] _chunk = [];

    [GlobalSetup]
    public void GlobalSetup()
    {
        var random = new Random(Seed);
        _directories = Enumerable.Range(0, DirectoryCount).Select(i => $"usr/share/pkg{i:D2}/").ToArray();
        var sizes = Enumerable.Range(0, FileCount).Select(_ => (int)(MaxFileSize * Math.Pow(random.NextDouble(), 4))).ToArray();
        _content = TextLike(random, sizes.Sum());
        _files = new FileSlice[FileCount];
        var offset = 0;
        for (var i = 0; i < FileCount; i++)
        {
            _files[i] = new FileSlice($"{_directories[i % DirectoryCount]}file-{i:D4}.txt", offset, sizes[i]);
            offset += sizes[i];
        }

        _chunk = new byte[ChunkSize];
        _tar = Capture(sink => WriteOurs(sink));
        _gzip = Compress(_tar, s => new GZipStream(s, CompressionLevel.Optimal, leaveOpen: true));

        Verify();
        Console.WriteLine($"// {FileCount} files, {_content.Length} content bytes, tar {_tar.Length} bytes, gzip (BCL Optimal) {_gzip.Length} bytes");
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _content = _tar = _gzip = _chunk = [];
        _files = [];
    }

    // (a) tar write

    [Benchmark(Baseline = true, Description = "ours: TarWriter")]
    [BenchmarkCategory("tar write")]
    public async Task<long> TarWriteOurs()
    {
        var sink = new CountingSink();
        await WriteOurs(sink);
        return sink.Length;
    }

    [Benchmark(Description = "System.Formats.Tar (PAX)")]
    [BenchmarkCategory("tar write")]
    public async Task<long> TarWriteSystemFormatsTar()
    {
        var sink = new CountingSink();
        await WriteSystemFormatsTar(sink);
        return sink.Length;
    }

    [Benchmark(Description = "SharpZipLib TarOutputStream")]
    [BenchmarkCategory("tar write")]
    public async Task<long> TarWriteSharpZipLib()
    {
        var sink = new CountingSink();
        await WriteSharpZipLib(sink);
        return sink.Length;
    }

    // (b) tar read

    [Benchmark(Baseline = true, Description = "ours: TarReader")]
    [BenchmarkCategory("tar read")]
    public Task<Totals> TarReadOurs() => ReadOurs(new MemoryStream(_tar, writable: false));

    [Benchmark(Description = "System.Formats.Tar")]
    [BenchmarkCategory("tar read")]
    public Task<Totals> TarReadSystemFormatsTar() => ReadSystemFormatsTar(new MemoryStream(_tar, writable: false));

    [Benchmark(Description = "SharpZipLib TarInputStream")]
    [BenchmarkCategory("tar read")]
    public Task<Totals> TarReadSharpZipLib() => ReadSharpZipLib(new MemoryStream(_tar, writable: false));

    // (c) gzip compress and decompress of the tar

    [Benchmark(Baseline = true, Description = "BCL GZipStream Fastest")]
    [BenchmarkCategory("gzip compress")]
    public Task<long> GzipCompressBclFastest() => CompressToSink(s => new GZipStream(s, CompressionLevel.Fastest, leaveOpen: true));

    [Benchmark(Description = "BCL GZipStream Optimal")]
    [BenchmarkCategory("gzip compress")]
    public Task<long> GzipCompressBclOptimal() => CompressToSink(s => new GZipStream(s, CompressionLevel.Optimal, leaveOpen: true));

    [Benchmark(Description = "SharpZipLib GZipOutputStream level 1")]
    [BenchmarkCategory("gzip compress")]
    public long GzipCompressSharpZipLibLevel1() => CompressToSinkSync(s => SharpZipLibGzip(s, 1));

    [Benchmark(Description = "SharpZipLib GZipOutputStream level 6")]
    [BenchmarkCategory("gzip compress")]
    public long GzipCompressSharpZipLibLevel6() => CompressToSinkSync(s => SharpZipLibGzip(s, 6));

    [Benchmark(Baseline = true, Description = "BCL GZipStream")]
    [BenchmarkCategory("gzip decompress")]
    public Task<long> GzipDecompressBcl() => Drain(new GZipStream(new MemoryStream(_gzip, writable: false), CompressionMode.Decompress));

    [Benchmark(Description = "SharpZipLib GZipInputStream")]
    [BenchmarkCategory("gzip decompress")]
    public long GzipDecompressSharpZipLib() => DrainSync(new GZipInputStream(new MemoryStream(_gzip, writable: false), SharpZipLibBufferSize));

    // (d) .tar.gz read end to end

    [Benchmark(Baseline = true, Description = "ours: TarReader over BCL GZipStream")]
    [BenchmarkCategory("tar.gz read")]
    public Task<Totals> TarGzReadOurs() => ReadOurs(new GZipStream(new MemoryStream(_gzip, writable: false), CompressionMode.Decompress));

    [Benchmark(Description = "System.Formats.Tar over BCL GZipStream")]
    [BenchmarkCategory("tar.gz read")]
    public Task<Totals> TarGzReadSystemFormatsTar() => ReadSystemFormatsTar(new GZipStream(new MemoryStream(_gzip, writable: false), CompressionMode.Decompress));

    [Benchmark(Description = "SharpZipLib TarInputStream over GZipInputStream")]
    [BenchmarkCategory("tar.gz read")]
    public Task<Totals> TarGzReadSharpZipLib() => ReadSharpZipLib(new GZipInputStream(new MemoryStream(_gzip, writable: false), SharpZipLibBufferSize));

    private async Task WriteOurs(Stream sink)
    {
        var writer = new OurTarWriter(sink, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            foreach (var directory in _directories)
            {
                await writer.WriteHeaderAsync(new OurTarEntry { Name = directory, Type = OurTarEntryType.Directory, Mode = 0x1ed, ModificationTime = ModificationTime });
            }

            foreach (var file in _files)
            {
                await writer.WriteHeaderAsync(new OurTarEntry { Name = file.Name, Type = OurTarEntryType.RegularFile, Mode = 0x1a4, Size = file.Length, ModificationTime = ModificationTime });
                await writer.WriteDataAsync(_content.AsMemory(file.Offset, file.Length));
            }

            await writer.CompleteAsync();
        }
    }

    private async Task WriteSystemFormatsTar(Stream sink)
    {
        var mtime = ModificationTime.ToDateTimeOffset();
        var writer = new System.Formats.Tar.TarWriter(sink, TarEntryFormat.Pax, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            foreach (var directory in _directories)
            {
                await writer.WriteEntryAsync(new PaxTarEntry(System.Formats.Tar.TarEntryType.Directory, directory) { Mode = (UnixFileMode)0x1ed, ModificationTime = mtime });
            }

            foreach (var file in _files)
            {
                var entry = new PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, file.Name)
                {
                    Mode = (UnixFileMode)0x1a4,
                    ModificationTime = mtime,
                    DataStream = new MemoryStream(_content, file.Offset, file.Length, writable: false),
                };
                await writer.WriteEntryAsync(entry);
            }
        }
    }

    private Task WriteSharpZipLib(Stream sink)
    {
        var mtime = ModificationTime.ToDateTimeOffset().UtcDateTime;
        using var output = new TarOutputStream(sink, Encoding.UTF8) { IsStreamOwner = false };
        foreach (var directory in _directories)
        {
            var entry = ICSharpCode.SharpZipLib.Tar.TarEntry.CreateTarEntry(directory);
            entry.TarHeader.TypeFlag = TarHeader.LF_DIR;
            entry.TarHeader.Mode = 0x1ed;
            entry.ModTime = mtime;
            output.PutNextEntry(entry);
            output.CloseEntry();
        }

        foreach (var file in _files)
        {
            var entry = ICSharpCode.SharpZipLib.Tar.TarEntry.CreateTarEntry(file.Name);
            entry.TarHeader.Mode = 0x1a4;
            entry.ModTime = mtime;
            entry.Size = file.Length;
            output.PutNextEntry(entry);
            output.Write(_content, file.Offset, file.Length);
            output.CloseEntry();
        }

        output.Finish();
        return Task.CompletedTask;
    }

    private async Task<Totals> ReadOurs(Stream tar)
    {
        var totals = default(Totals);
        var reader = new OurTarReader(tar, OurTarReaderOptions.Default);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.GetNextEntryAsync() is { } entry)
            {
                totals = totals.Add(entry.Type == OurTarEntryType.RegularFile, 0);
                int read;
                while ((read = await reader.ReadDataAsync(_chunk)) > 0)
                {
                    totals = totals.Add(false, read);
                }
            }
        }

        return totals;
    }

    private async Task<Totals> ReadSystemFormatsTar(Stream tar)
    {
        var totals = default(Totals);
        var reader = new System.Formats.Tar.TarReader(tar);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.GetNextEntryAsync(copyData: false) is { } entry)
            {
                totals = totals.Add(entry.EntryType == System.Formats.Tar.TarEntryType.RegularFile, 0);
                if (entry.DataStream is { } data)
                {
                    int read;
                    while ((read = await data.ReadAsync(_chunk)) > 0)
                    {
                        totals = totals.Add(false, read);
                    }
                }
            }
        }

        return totals;
    }

    private Task<Totals> ReadSharpZipLib(Stream tar)
    {
        var totals = default(Totals);
        using var input = new TarInputStream(tar, Encoding.UTF8);
        while (input.GetNextEntry() is { } entry)
        {
            totals = totals.Add(!entry.IsDirectory, 0);
            int read;
            while ((read = input.Read(_chunk, 0, _chunk.Length)) > 0)
            {
                totals = totals.Add(false, read);
            }
        }

        return Task.FromResult(totals);
    }

    private async Task<long> CompressToSink(Func<Stream, Stream> open)
    {
        var sink = new CountingSink();
        var compressor = open(sink);
        await using (compressor.ConfigureAwait(false))
        {
            await compressor.WriteAsync(_tar);
        }

        return sink.Length;
    }

    private long CompressToSinkSync(Func<Stream, Stream> open)
    {
        var sink = new CountingSink();
        using (var compressor = open(sink))
        {
            compressor.Write(_tar);
        }

        return sink.Length;
    }

    private long DrainSync(Stream decompressor)
    {
        long total = 0;
        using (decompressor)
        {
            int read;
            while ((read = decompressor.Read(_chunk, 0, _chunk.Length)) > 0)
            {
                total += read;
            }
        }

        return total;
    }

    private async Task<long> Drain(Stream decompressor)
    {
        long total = 0;
        await using (decompressor.ConfigureAwait(false))
        {
            int read;
            while ((read = await decompressor.ReadAsync(_chunk)) > 0)
            {
                total += read;
            }
        }

        return total;
    }

    private static GZipOutputStream SharpZipLibGzip(Stream sink, int level)
    {
        var gzip = new GZipOutputStream(sink, SharpZipLibBufferSize) { IsStreamOwner = false };
        gzip.SetLevel(level);
        return gzip;
    }

    /// <summary>
    /// Prose-like bytes: words drawn from a made-up vocabulary of 2,000 words, frequent words far
    /// more often than rare ones (as in real text), separated by spaces and the odd newline or
    /// punctuation. gzip finds repeats in it as it does in source and text files, and no two
    /// files are alike.
    /// </summary>
    private static byte[] TextLike(Random random, int length)
    {
        const string Letters = "eeeeeeeeeeeettttttttaaaaaaaoooooooiiiiiiinnnnnnnsssssshhhhhhrrrrrrdddllluuccmmwwffggyyppbbvkjxqz";
        var vocabulary = new byte[2_000][];
        for (var w = 0; w < vocabulary.Length; w++)
        {
            vocabulary[w] = new byte[random.Next(2, 11)];
            for (var j = 0; j < vocabulary[w].Length; j++)
            {
                vocabulary[w][j] = (byte)Letters[random.Next(Letters.Length)];
            }
        }

        var bytes = new byte[length];
        var i = 0;
        while (i < length)
        {
            var word = vocabulary[(int)(vocabulary.Length * Math.Pow(random.NextDouble(), 3))];
            var take = Math.Min(word.Length, length - i);
            word.AsSpan(0, take).CopyTo(bytes.AsSpan(i));
            i += take;
            if (i < length)
            {
                bytes[i++] = random.Next(16) switch { 0 => (byte)'\n', 1 => (byte)',', 2 => (byte)'.', _ => (byte)' ' };
            }
        }

        return bytes;
    }

    private static byte[] Capture(Func<Stream, Task> write)
    {
        using var buffer = new MemoryStream();
        write(buffer).GetAwaiter().GetResult();
        return buffer.ToArray();
    }

    private static byte[] Compress(byte[] data, Func<Stream, Stream> open)
    {
        using var buffer = new MemoryStream();
        using (var compressor = open(buffer))
        {
            compressor.Write(data);
        }

        return buffer.ToArray();
    }

    private static byte[] Decompress(Stream decompressor)
    {
        using var buffer = new MemoryStream();
        using (decompressor)
        {
            decompressor.CopyTo(buffer);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Checks once that every contestant handles the same entries and bytes: each writer's output
    /// reads back (with our reader) to the same names and content, each reader finds the same
    /// files and bytes, and each compressor's output decompresses to its input.
    /// </summary>
    private void Verify()
    {
        var expected = Fingerprint(new MemoryStream(_tar));
        Require("ours: TarWriter", expected, Fingerprint(new MemoryStream(_tar)));
        Require("System.Formats.Tar TarWriter", expected, Fingerprint(new MemoryStream(Capture(WriteSystemFormatsTar))));
        Require("SharpZipLib TarOutputStream", expected, Fingerprint(new MemoryStream(Capture(WriteSharpZipLib))));

        var totals = new Totals(FileCount, _content.Length);
        Require("ours: TarReader", totals, TarReadOurs().GetAwaiter().GetResult());
        Require("System.Formats.Tar TarReader", totals, TarReadSystemFormatsTar().GetAwaiter().GetResult());
        Require("SharpZipLib TarInputStream", totals, TarReadSharpZipLib().GetAwaiter().GetResult());
        Require("ours over BCL GZipStream", totals, TarGzReadOurs().GetAwaiter().GetResult());
        Require("System.Formats.Tar over BCL GZipStream", totals, TarGzReadSystemFormatsTar().GetAwaiter().GetResult());
        Require("SharpZipLib over GZipInputStream", totals, TarGzReadSharpZipLib().GetAwaiter().GetResult());

        Require("SharpZipLib GZipInputStream", Convert.ToHexString(SHA256.HashData(_tar)), Convert.ToHexString(SHA256.HashData(Decompress(new GZipInputStream(new MemoryStream(_gzip))))));

        // Compressors: a round trip of the first 8 MiB at every level is enough to catch a wrong setup.
        var sample = _tar.AsSpan(0, Math.Min(_tar.Length, 8 << 20)).ToArray();
        foreach (var (name, open) in new (string, Func<Stream, Stream>)[]
                 {
                     ("BCL Fastest", s => new GZipStream(s, CompressionLevel.Fastest, leaveOpen: true)),
                     ("BCL Optimal", s => new GZipStream(s, CompressionLevel.Optimal, leaveOpen: true)),
                     ("SharpZipLib level 1", s => SharpZipLibGzip(s, 1)),
                     ("SharpZipLib level 6", s => SharpZipLibGzip(s, 6)),
                 })
        {
            var compressed = Compress(sample, open);
            Require(name, Convert.ToHexString(SHA256.HashData(sample)), Convert.ToHexString(SHA256.HashData(Decompress(new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress)))));
            Console.WriteLine($"// {name}: first {sample.Length} tar bytes compress to {compressed.Length} ({(double)compressed.Length / sample.Length:P1})");
        }
    }

    /// <summary>Names, types and a hash of all content, as our reader sees them.</summary>
    private static string Fingerprint(Stream tar)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var reader = new OurTarReader(tar);
        var chunk = new byte[ChunkSize];
        while (reader.GetNextEntryAsync().AsTask().GetAwaiter().GetResult() is { } entry)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{entry.Type} {entry.Name.TrimEnd('/')} {entry.Mode} {entry.Size}\n"));
            int read;
            while ((read = reader.ReadDataAsync(chunk).AsTask().GetAwaiter().GetResult()) > 0)
            {
                hash.AppendData(chunk, 0, read);
            }
        }

        reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static void Require<T>(string who, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new InvalidOperationException($"{who} gave {actual} where {expected} was expected; the comparison would be meaningless");
        }
    }

    private readonly record struct FileSlice(string Name, int Offset, int Length);

    /// <summary>What a reader saw: regular files and content bytes.</summary>
    public readonly record struct Totals(int Files, long Bytes)
    {
        public Totals Add(bool file, int bytes) => new(Files + (file ? 1 : 0), Bytes + bytes);
    }

    /// <summary>A write-only sink that counts bytes, so writers pay for no copy below them.</summary>
    private sealed class CountingSink : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            _length += count;
            return Task.CompletedTask;
        }
    }
}
