using System.Globalization;
using Containers.Images.Snapshots.Local;
using Containers.Linux;
using Containers.Mounts;

namespace Containers.Images.Snapshots.Overlay;

/// <summary>
/// Snapshots as overlayfs layers: each is <c>snapshots/&lt;id&gt;/{fs,work}</c>, and an active
/// snapshot on a committed parent is one overlay mount with the parent chain's <c>fs</c>
/// directories as <c>lowerdir</c> (nearest first), its own <c>fs</c> as <c>upperdir</c>. A
/// snapshot with no parent is a bind mount of its <c>fs</c>; a view of one layer is a read-only
/// bind of it. Mount data is one page at most, so when the absolute lower paths do not fit, the
/// mount lists the short links <c>l/&lt;id in base 36&gt;</c> instead, relative to
/// <see cref="Mount.WorkingDirectory"/> (the root), as Docker's overlay2 does.
/// </summary>
public sealed class OverlaySnapshotter : LocalSnapshotter
{
    /// <summary>The most bytes of mount data the kernel takes: one page, with its NUL.</summary>
    internal const int MaxMountData = 4095;

    public OverlaySnapshotter(string root, TimeProvider? timeProvider = null)
        : base(root, timeProvider)
    {
        Directory.CreateDirectory(Path.Combine(Root, "l"));
    }

    public override string Name => "overlay";

    private protected override ValueTask CreateTreeAsync(long id, SnapshotKind kind, IReadOnlyList<long> lowers, CancellationToken cancellationToken)
    {
        var directory = DirectoryOf(id);
        Directory.CreateDirectory(Path.Combine(directory, "fs"));
        Directory.CreateDirectory(Path.Combine(directory, "work"));
        var link = LinkOf(id);
        File.Delete(link);
        File.CreateSymbolicLink(link, $"../snapshots/{id.ToString(CultureInfo.InvariantCulture)}/fs");
        return ValueTask.CompletedTask;
    }

    private protected override void OnRemoving(long id) => File.Delete(LinkOf(id));

    private protected override IReadOnlyList<Mount> MountsOf(long id, SnapshotKind kind, IReadOnlyList<long> lowers)
    {
        var readOnly = kind == SnapshotKind.View;
        if (lowers.Count == 0)
        {
            return [Bind(FsOf(id), readOnly)];
        }

        if (readOnly && lowers.Count == 1)
        {
            return [Bind(FsOf(lowers[0]), readOnly: true)];
        }

        var options = Overlay(id, readOnly, string.Join(':', lowers.Select(FsOf)));
        if (DataLength(options) <= MaxMountData)
        {
            return [new Mount("overlay", "overlay", string.Empty, options)];
        }

        options = Overlay(id, readOnly, string.Join(':', lowers.Select(lower => "l/" + ShortId(lower))));
        if (DataLength(options) > MaxMountData)
        {
            throw new Errors.InvalidArgumentException($"snapshot {id} sits on {lowers.Count} layers, whose lowerdir needs {DataLength(options)} bytes even with short links, more than the {MaxMountData} bytes of one mount; squash the image's layers");
        }

        return [new Mount("overlay", "overlay", string.Empty, options) { WorkingDirectory = Root }];
    }

    /// <summary>An id in base 36: the name of its short link under <c>l/</c>.</summary>
    internal static string ShortId(long id)
    {
        const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        Span<char> buffer = stackalloc char[16];
        var position = buffer.Length;
        do
        {
            buffer[--position] = Digits[(int)(id % 36)];
            id /= 36;
        }
        while (id > 0);
        return new string(buffer[position..]);
    }

    private static Mount Bind(string source, bool readOnly) =>
        new("bind", source, string.Empty, ["rbind", readOnly ? "ro" : "rw"]);

    private static int DataLength(IReadOnlyList<string> options) =>
        options.Where(option => option.Contains('=', StringComparison.Ordinal)).Sum(option => option.Length + 1) - 1;

    private string[] Overlay(long id, bool readOnly, string lowerdir) =>
        readOnly
            ? ["ro", "lowerdir=" + lowerdir]
            : [$"workdir={Path.Combine(DirectoryOf(id), "work")}", $"upperdir={FsOf(id)}", "lowerdir=" + lowerdir];

    private string LinkOf(long id) => Path.Combine(Root, "l", ShortId(id));
}
