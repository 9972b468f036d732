using System.Text;
using Containers.Linux;
using Microsoft.Win32.SafeHandles;

namespace Containers.Benchmarks.Layers;

/// <summary>
/// A deterministic generator of the tree the layer suites work on: about 30,000 files and 1 GiB,
/// shaped like a root filesystem. Six top directories (<c>bin</c>, <c>etc</c>, <c>home</c>,
/// <c>opt</c>, <c>usr</c>, <c>var</c>) each hold 7 package directories that each hold 7 more:
/// 342 directories, 3 levels deep; the leaves hold about 100 files each, the others a handful.
/// </summary>
/// <remarks>
/// <para>
/// Sizes are log-normal (median 4 KiB before scaling), scaled so the total is exactly
/// <see cref="TotalBytes"/>: most files are a few KiB, about 2% are over 1 MiB and the largest are
/// tens of MiB. Content is semi-compressible so that gzip gives about 2.5×, like real images: text
/// files are lines of tokens from a small dictionary, binaries mix such strings with random bytes,
/// little-endian tables and zero padding, and a few files (<c>.gz</c>, <c>.png</c>, <c>.jar</c>)
/// are random bytes, as already-compressed files are.
/// </para>
/// <para>
/// Every shared library gets a version-less symlink (<c>libx.so → libx.so.1.2</c>) two times in
/// five; each top directory has a <c>current</c> symlink to its first package directory, and
/// <c>etc/localtime</c> is an absolute, dangling symlink. <c>home</c> belongs to 1000:1000, the
/// rest to root. Every mtime is a whole second in 2025, so no tool's time rounding matters.
/// </para>
/// <para>
/// Everything comes from <see cref="Seed"/>: the plan (names, sizes, kinds) from one stream, and
/// each file's bytes from its own stream, keyed by its index and a variant. Variant 0 is the tree;
/// variant 1 has the same names and sizes with other bytes and other mtimes ("everything changed").
/// </para>
/// </remarks>
internal static class BenchmarkTrees
{
    public const ulong Seed = 20261125;
    public const int FileCount = 30_000;
    public const long TotalBytes = 1L << 30;

    /// <summary>2025-01-01T00:00:00Z; every mtime falls in the year after it.</summary>
    private const long EpochSeconds = 1_735_689_600;

    private const int LargestFile = 48 << 20;
    private const int ChunkSize = 1 << 20;

    private static readonly string[] TopDirectories = ["bin", "etc", "home", "opt", "usr", "var"];

    private static readonly string[] Words =
    [
        "the", "of", "and", "to", "in", "is", "for", "return", "if", "else", "int", "void", "static", "const", "struct", "char",
        "unsigned", "long", "size_t", "NULL", "error", "value", "name", "type", "data", "buffer", "length", "index", "count", "result",
        "file", "path", "open", "close", "read", "write", "config", "option", "default", "enable", "disable", "true", "false", "string",
        "list", "map", "key", "entry", "node", "tree", "root", "parent", "child", "layer", "image", "container", "runtime", "mount",
        "process", "thread", "lock", "mutex", "signal", "handler", "event", "queue", "stream", "socket", "address", "port", "host",
        "server", "client", "request", "response", "header", "body", "status", "code", "message", "log", "debug", "info", "warn",
        "format", "parse", "encode", "decode", "compress", "digest", "hash", "table", "offset", "section", "symbol", "library", "module",
        "package", "version", "release", "build", "test", "check", "assert", "expect", "init", "start", "stop", "update", "delete",
        "create", "copy", "move", "link", "user", "group", "mode", "owner", "time", "date", "memory", "alloc", "free", "pointer",
        "array", "vector", "object", "class", "public", "private", "import", "export", "function", "method", "field", "property",
        "interface", "abstract", "virtual", "override", "async", "await", "task", "timeout", "retry", "limit", "maximum", "minimum",
        "linux", "kernel", "device", "driver", "block", "inode", "cache", "page", "sync", "flush", "commit", "state", "store",
        "0", "1", "2", "16", "32", "64", "128", "256", "1024", "4096", "0x0", "0xff", "0x1000", "-1", "i", "j", "n", "x", "y",
    ];

    private static readonly byte[][] WordBytes = [.. Words.Select(Encoding.ASCII.GetBytes)];
    private static readonly byte[][] Separators = [.. new[] { " ", " ", " ", " ", ", ", "(", ") ", " = ", "; ", ".", "_", "/" }.Select(Encoding.ASCII.GetBytes)];

    private static readonly string[] TextExtensions = [".txt", ".py", ".h", ".c", ".json", ".conf", ".md", ".xml", ".sh", ".html"];
    private static readonly string[] BinaryExtensions = [".so", ".o", ".a", ".bin", ""];
    private static readonly string[] CompressedExtensions = [".gz", ".png", ".jar", ".zip"];

    /// <summary>The plan of the tree: pure computation, the same on every machine.</summary>
    public static TreePlan Plan()
    {
        var random = new DeterministicRandom(Seed, stream: 0);
        var directories = new List<PlannedDirectory>();
        foreach (var top in TopDirectories)
        {
            var owner = top == "home" ? 1000u : 0u;
            directories.Add(new PlannedDirectory(top, owner, Leaf: false, Time(ref random)));
            for (var i = 0; i < 7; i++)
            {
                var middle = $"{top}/{Word(ref random)}-{i}";
                directories.Add(new PlannedDirectory(middle, owner, Leaf: false, Time(ref random)));
                for (var j = 0; j < 7; j++)
                {
                    directories.Add(new PlannedDirectory($"{middle}/{Word(ref random)}{Word(ref random)}-{j}", owner, Leaf: true, Time(ref random)));
                }
            }
        }

        // Leaves weigh 20, the others 1: about 100 files in a leaf, 5 elsewhere.
        var weights = directories.Select(d => d.Leaf ? 20 : 1).ToArray();
        var totalWeight = weights.Sum();
        var rawSizes = new double[FileCount];
        var owners = new int[FileCount];
        for (var i = 0; i < FileCount; i++)
        {
            var pick = random.Next(totalWeight);
            var d = 0;
            while (pick >= weights[d])
            {
                pick -= weights[d];
                d++;
            }

            owners[i] = d;
            rawSizes[i] = random.NextDouble() < 0.01 ? 0 : Math.Exp(Math.Log(4096) + (2.0 * random.NextGaussian()));
        }

        var sizes = ScaleTo(rawSizes, TotalBytes);
        var files = new List<PlannedFile>(FileCount);
        var symlinks = new List<PlannedSymlink>();
        for (var i = 0; i < FileCount; i++)
        {
            var directory = directories[owners[i]];
            var kind = PickKind(ref random, sizes[i]);
            var (name, mode) = Name(ref random, kind, i);
            var file = new PlannedFile(i, $"{directory.Path}/{name}", sizes[i], kind, mode, directory.Owner, Time(ref random));
            files.Add(file);
            if (name.Contains(".so.", StringComparison.Ordinal) && random.Next(5) < 2)
            {
                symlinks.Add(new PlannedSymlink($"{directory.Path}/{name[..(name.IndexOf(".so.", StringComparison.Ordinal) + 3)]}", name, directory.Owner, file.Time));
            }
        }

        foreach (var top in TopDirectories)
        {
            var first = directories.First(d => d.Path.StartsWith(top + "/", StringComparison.Ordinal));
            symlinks.Add(new PlannedSymlink($"{top}/current", first.Path[(top.Length + 1)..], first.Owner, first.Time));
        }

        symlinks.Add(new PlannedSymlink("etc/localtime", "/usr/share/zoneinfo/Etc/UTC", 0, EpochSeconds));
        return new TreePlan(directories, files, symlinks);
    }

    /// <summary>
    /// Writes the tree of <paramref name="plan"/> under <paramref name="root"/>, which must be empty
    /// or not exist. Variant 0 is the tree; other variants have the same shape with other bytes
    /// and mtimes.
    /// </summary>
    public static void Write(TreePlan plan, string root, int variant = 0)
    {
        Directory.CreateDirectory(root);
        using var rootHandle = PosixFs.OpenDirectory(root);
        foreach (var directory in plan.Directories)
        {
            PosixFs.MakeDirectoryAt(rootHandle, directory.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var buffer = new byte[ChunkSize];
        foreach (var file in plan.Files)
        {
            WriteFile(rootHandle, file, variant, buffer);
        }

        foreach (var link in plan.Symlinks)
        {
            PosixFs.SymlinkAt(link.Target, rootHandle, link.Path);
            PosixFs.ChangeOwnerAt(rootHandle, link.Path, link.Owner, link.Owner);
            PosixFs.SetTimesAt(rootHandle, link.Path, (link.Time, 0), (link.Time, 0));
        }

        // Directory times last and deepest first, once nothing more changes inside them.
        for (var i = plan.Directories.Count - 1; i >= 0; i--)
        {
            var directory = plan.Directories[i];
            const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            PosixFs.ChangeModeAt(rootHandle, directory.Path, DirectoryMode);
            PosixFs.ChangeOwnerAt(rootHandle, directory.Path, directory.Owner, directory.Owner);
            var time = directory.Time + variant;
            PosixFs.SetTimesAt(rootHandle, directory.Path, (time, 0), (time, 0));
        }
    }

    /// <summary>
    /// Rewrites files of the tree with the bytes of another variant, as a package upgrade would:
    /// each file is removed and written again, with the same name and size, other bytes, and the
    /// variant's mtime (a day later for variant 1).
    /// </summary>
    public static void Rewrite(string root, IEnumerable<PlannedFile> files, int variant)
    {
        using var rootHandle = PosixFs.OpenDirectory(root);
        var buffer = new byte[ChunkSize];
        foreach (var file in files)
        {
            PosixFs.UnlinkAt(rootHandle, file.Path);
            WriteFile(rootHandle, file, variant, buffer);
        }
    }

    /// <summary><paramref name="count"/> files spread over the tree, none empty: the ones a small change touches.</summary>
    public static IReadOnlyList<PlannedFile> SmallChange(TreePlan plan, int count = 10)
    {
        var candidates = plan.Files.Where(f => f.Size > 0).ToList();
        var step = candidates.Count / count;
        return [.. Enumerable.Range(0, count).Select(i => candidates[(i * step) + (step / 2)])];
    }

    /// <summary>The bytes of one file of one variant, chunk by chunk, into <paramref name="chunk"/>.</summary>
    public static void Fill(PlannedFile file, int variant, long offset, Span<byte> chunk)
    {
        // One stream per (file, variant, chunk), so any chunk can be made alone.
        var random = new DeterministicRandom(Seed, ((ulong)(file.Index + 1) << 24) ^ ((ulong)variant << 20) ^ (ulong)(offset / ChunkSize));
        switch (file.Kind)
        {
            case ContentKind.Text:
                FillText(ref random, chunk);
                break;
            case ContentKind.Compressed:
                random.NextBytes(chunk);
                break;
            default:
                FillBinary(ref random, chunk);
                break;
        }
    }

    private static void WriteFile(SafeFileHandle rootHandle, PlannedFile file, int variant, byte[] buffer)
    {
        using (var handle = PosixFs.OpenAt(rootHandle, file.Path, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_NOFOLLOW, UnixFileMode.UserRead | UnixFileMode.UserWrite))
        {
            for (long offset = 0; offset < file.Size; offset += ChunkSize)
            {
                var chunk = buffer.AsSpan(0, (int)Math.Min(ChunkSize, file.Size - offset));
                Fill(file, variant, offset, chunk);
                RandomAccess.Write(handle, chunk, offset);
            }

            PosixFs.ChangeMode(handle, file.Mode);
            PosixFs.ChangeOwner(handle, file.Owner, file.Owner);
            var time = file.Time + (variant * 86_400L);
            PosixFs.SetTimes(handle, (time, 0), (time, 0));
        }
    }

    /// <summary>Lines of tokens; a quarter of the lines repeat one of the few lines before them, as code and logs do.</summary>
    private static void FillText(ref DeterministicRandom random, Span<byte> chunk)
    {
        Span<int> lineStarts = stackalloc int[8];
        var lines = 0;
        var at = 0;
        while (at < chunk.Length)
        {
            var start = at;
            if (lines >= 2 && random.Next(4) == 0)
            {
                var back = random.Next(1, Math.Min(lines, lineStarts.Length));
                var from = lineStarts[(lines - back) % lineStarts.Length];
                var to = lineStarts[(lines - back + 1) % lineStarts.Length];
                at += Put(chunk[at..], chunk[from..to]);
            }
            else
            {
                var words = random.Next(4, 14);
                for (var w = 0; w < words && at < chunk.Length; w++)
                {
                    at += Put(chunk[at..], WordBytes[Skewed(ref random, WordBytes.Length)]);
                    at += Put(chunk[at..], w == words - 1 ? "\n"u8 : Separators[random.Next(Separators.Length)]);
                }
            }

            lineStarts[lines % lineStarts.Length] = start;
            lines++;
            lineStarts[lines % lineStarts.Length] = at;
        }
    }

    /// <summary>Segments of strings, random bytes (code), small little-endian integers (tables) and zeros (padding).</summary>
    private static void FillBinary(ref DeterministicRandom random, Span<byte> chunk)
    {
        var at = 0;
        while (at < chunk.Length)
        {
            var segment = chunk[at..][..Math.Min(chunk.Length - at, random.Next(64, 2048))];
            var roll = random.Next(100);
            if (roll < 50)
            {
                FillText(ref random, segment);
            }
            else if (roll < 56)
            {
                random.NextBytes(segment);
            }
            else if (roll < 90)
            {
                var value = (uint)random.Next(1 << 16);
                for (var i = 0; i + 4 <= segment.Length; i += 4)
                {
                    value += (uint)random.Next(64);
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(segment[i..], value);
                }

                segment[(segment.Length & ~3)..].Clear();
            }
            else
            {
                segment.Clear();
            }

            at += segment.Length;
        }
    }

    private static int Put(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        var count = Math.Min(destination.Length, bytes.Length);
        bytes[..count].CopyTo(destination);
        return count;
    }

    /// <summary>An index in [0, <paramref name="count"/>) with the low ones more likely, as word frequencies are.</summary>
    private static int Skewed(ref DeterministicRandom random, int count)
    {
        var u = random.NextDouble();
        return (int)(u * u * count);
    }

    private static string Word(ref DeterministicRandom random) => Words[random.Next(40, 160)];

    private static long Time(ref DeterministicRandom random) => EpochSeconds + random.Next(365 * 86_400);

    private static ContentKind PickKind(ref DeterministicRandom random, long size)
    {
        var roll = random.Next(100);
        return size > (1 << 20)
            ? roll < 93 ? ContentKind.Binary : ContentKind.Compressed
            : roll < 55 ? ContentKind.Text : roll < 97 ? ContentKind.Binary : ContentKind.Compressed;
    }

    private static (string Name, UnixFileMode Mode) Name(ref DeterministicRandom random, ContentKind kind, int index)
    {
        const UnixFileMode Regular = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode Executable = Regular | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        var word = Word(ref random);
        switch (kind)
        {
            case ContentKind.Text:
                var textExtension = TextExtensions[random.Next(TextExtensions.Length)];
                return ($"{word}_{index}{textExtension}", textExtension == ".sh" ? Executable : Regular);
            case ContentKind.Compressed:
                return ($"{word}-{index}{CompressedExtensions[random.Next(CompressedExtensions.Length)]}", Regular);
            default:
                var extension = BinaryExtensions[random.Next(BinaryExtensions.Length)];
                return extension == ".so"
                    ? ($"lib{word}{index}.so.{random.Next(1, 9)}.{random.Next(20)}", Executable)
                    : ($"{word}{index}{extension}", extension is ".o" or ".a" ? Regular : Executable);
        }
    }

    /// <summary>Rounds sizes scaled to sum to exactly <paramref name="total"/>, none above <see cref="LargestFile"/>.</summary>
    private static long[] ScaleTo(double[] raw, long total)
    {
        var capped = raw.Select(r => Math.Min(r, LargestFile)).ToArray();
        var sizes = new long[capped.Length];
        for (var pass = 0; pass < 8; pass++)
        {
            var factor = total / capped.Sum();
            for (var i = 0; i < capped.Length; i++)
            {
                capped[i] = Math.Min(capped[i] * factor, LargestFile);
            }
        }

        for (var i = 0; i < capped.Length; i++)
        {
            sizes[i] = (long)capped[i];
        }

        // Put the rounding remainder on the largest file that has room.
        var largest = Array.IndexOf(sizes, sizes.Where(s => s < LargestFile).Max());
        sizes[largest] += total - sizes.Sum();
        return sizes;
    }
}
