using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Containers.Images;

namespace Containers.Benchmarks.Digests;

/// <summary>
/// SHA-256 throughput of <see cref="Digest"/> against the real peers, <c>sha256sum</c> (GNU
/// coreutils) and <c>openssl dgst -sha256</c>, on the same file in the same run.
/// </summary>
/// <remarks>
/// <para>
/// The peers run as child processes, so every one of their measurements includes a fork/exec,
/// dynamic linking and process exit: about 1 ms for <c>sha256sum</c> and a few ms for
/// <c>openssl</c>, which also loads its config and providers. At 1 MiB that fixed cost dominates
/// and the ratio says little about hashing; the 256 MiB and 1 GiB sizes are the ones where the
/// ratio measures hash throughput.
/// </para>
/// <para>
/// The file is written, flushed to disk and read once in <see cref="GlobalSetup"/>, so the page
/// cache holds it and no writeback is pending: all contestants compete on hashing, not on the
/// disk. BenchmarkDotNet runs every case in its own process, so the setup runs once per case.
/// </para>
/// <para>
/// Job: a fixed 3 warmup and 15 measured iterations instead of BenchmarkDotNet's adaptive
/// 15–100, which keeps the suite to about 5 minutes on two cores. The pilot stage still picks the
/// invocation count against the 500 ms iteration target: hundreds per iteration at 1 MiB, a few at
/// 256 MiB, and exactly one at 1 GiB (and for sha256sum at 256 MiB), where a single hash already
/// takes longer than the target. So the large sizes run with an effective InvocationCount of 1.
/// </para>
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class DigestThroughputBenchmarks
{
    private const int MiB = 1 << 20;

    /// <summary>A fixed seed, so every case's process hashes the same bytes.</summary>
    private const int Seed = 20261125;

    private string _directory = string.Empty;
    private string _path = string.Empty;
    private byte[] _data = [];

    [Params(1, 16, 256, 1024)]
    public int SizeMiB { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _data = new byte[checked(SizeMiB * MiB)];
        new Random(Seed).NextBytes(_data);

        _directory = Directory.CreateTempSubdirectory("containers-digest-bench-").FullName;
        _path = Path.Combine(_directory, $"random-{SizeMiB}MiB.bin");
        using (var file = new FileStream(_path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            file.Write(_data);
            file.Flush(flushToDisk: true);
        }

        // Warm the page cache, so every contestant reads from memory.
        using (var file = OpenForHashing(_path))
        {
            var buffer = new byte[MiB];
            while (file.Read(buffer) > 0)
            {
            }
        }

        // Check once that every contestant computes the same hash of the same file, so that a
        // wrong comparison (wrong file, wrong algorithm, a peer that failed) cannot pass.
        var expected = Digest.Compute(_data);
        Require("Digest.ComputeAsync(FileStream)", expected.Hex, OursFile().AsTask().GetAwaiter().GetResult().Hex);
        Require("sha256sum", expected.Hex, Sha256sum());
        Require("openssl dgst -sha256", expected.Hex, OpensslDgst());

        Console.WriteLine($"// {SizeMiB} MiB at {_path}: {expected}");
        Console.WriteLine($"// .NET hashes through {LoadedLibcrypto()}");
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        if (_directory.Length > 0 && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        _data = [];
    }

    [Benchmark(Baseline = true, Description = "ours: ComputeAsync(FileStream)")]
    public async ValueTask<Digest> OursFile()
    {
        await using var file = OpenForHashing(_path);
        return await Digest.ComputeAsync(file);
    }

    [Benchmark(Description = "ours: Compute(span)")]
    public Digest OursSpan() => Digest.Compute(_data);

    [Benchmark(Description = "sha256sum <file>")]
    public string Sha256sum() => HexFromChild("sha256sum", _path);

    [Benchmark(Description = "openssl dgst -sha256 <file>")]
    public string OpensslDgst() => HexFromChild("openssl", "dgst", "-sha256", "-r", _path);

    /// <summary>
    /// Opens the file the way a content store would: no FileStream buffer (the digest reads 1 MiB
    /// at a time), and a sequential-scan hint for the kernel's readahead.
    /// </summary>
    private static FileStream OpenForHashing(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);

    /// <summary>
    /// Runs a peer and returns the hex it printed. Both peers print <c>hex␠…path</c> (openssl
    /// with <c>-r</c>), so the hex is the first word.
    /// </summary>
    private static string HexFromChild(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"could not start {fileName}");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} exited with {process.ExitCode}: {output}");
        }

        var space = output.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 ? output[..space] : output.Trim();
    }

    private static void Require(string who, string expected, string actual)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"{who} printed \"{actual}\" but Digest.Compute gives \"{expected}\"; the comparison would be meaningless");
        }
    }

    /// <summary>The libcrypto mapped into this process, from /proc/self/maps; evidence for the README.</summary>
    private static string LoadedLibcrypto()
    {
        const string Maps = "/proc/self/maps";
        if (!File.Exists(Maps))
        {
            return "an unknown library (no /proc/self/maps)";
        }

        var line = File.ReadLines(Maps).FirstOrDefault(l => l.Contains("libcrypto", StringComparison.Ordinal));
        return line is null ? "no libcrypto (not OpenSSL)" : line[(line.IndexOf('/', StringComparison.Ordinal))..];
    }
}
