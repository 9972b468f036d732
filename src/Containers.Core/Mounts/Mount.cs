namespace Containers.Mounts;

/// <summary>
/// A mount as plain data: what a snapshotter returns and the runtime performs. <see cref="Type"/>
/// is the filesystem type (<c>overlay</c>, <c>bind</c>, <c>tmpfs</c>), <see cref="Options"/> are
/// mount(8)-style options such as <c>ro</c> or <c>lowerdir=…</c>.
/// </summary>
public sealed record Mount(string Type, string Source, string Target, IReadOnlyList<string> Options)
{
    /// <summary>
    /// The directory that relative paths in <see cref="Options"/> (<c>lowerdir=l/a:l/b</c>) are
    /// resolved against, or null when every path is absolute. A snapshotter gives one when the
    /// absolute paths would not fit in the one page the kernel accepts for mount data.
    /// </summary>
    public string? WorkingDirectory { get; init; }
}
