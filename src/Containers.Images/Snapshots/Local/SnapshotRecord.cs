namespace Containers.Images.Snapshots.Local;

/// <summary>One snapshot as <c>metadata.json</c> keeps it; its files are under <c>snapshots/&lt;Id&gt;</c>.</summary>
internal sealed class SnapshotRecord
{
    public long Id { get; set; }

    public SnapshotKind Kind { get; set; }

    public string? Parent { get; set; }

    public DateTimeOffset Created { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public SnapshotInfo ToInfo(string name) =>
        new(Kind, name, Parent, Created, Labels ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(StringComparer.Ordinal));
}
