namespace Containers.Benchmarks.Layers;

/// <summary>What <see cref="BenchmarkTrees"/> writes: directories (parents first), files and symlinks, with paths relative to the root.</summary>
internal sealed record TreePlan(IReadOnlyList<PlannedDirectory> Directories, IReadOnlyList<PlannedFile> Files, IReadOnlyList<PlannedSymlink> Symlinks)
{
    public long Bytes => Files.Sum(f => f.Size);

    public override string ToString() =>
        $"{Files.Count} files ({Bytes / (1 << 20)} MiB, largest {Files.Max(f => f.Size) / (1 << 20)} MiB, {Files.Count(f => f.Size > (1 << 20))} over 1 MiB), {Directories.Count} directories, {Symlinks.Count} symlinks";
}

/// <summary>How a file's bytes are made, which decides how well they compress.</summary>
internal enum ContentKind
{
    Text,
    Binary,
    Compressed,
}

/// <summary>A directory; <see cref="Leaf"/> ones hold most of the files.</summary>
internal sealed record PlannedDirectory(string Path, uint Owner, bool Leaf, long Time);

/// <summary>A regular file; <see cref="Index"/> keys its content, <see cref="Owner"/> is its uid and gid.</summary>
internal sealed record PlannedFile(int Index, string Path, long Size, ContentKind Kind, UnixFileMode Mode, uint Owner, long Time);

internal sealed record PlannedSymlink(string Path, string Target, uint Owner, long Time);
