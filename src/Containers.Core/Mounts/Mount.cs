namespace Containers.Mounts;

/// <summary>
/// A mount as plain data: what a snapshotter returns and the runtime performs. <see cref="Type"/>
/// is the filesystem type (<c>overlay</c>, <c>bind</c>, <c>tmpfs</c>), <see cref="Options"/> are
/// mount(8)-style options such as <c>ro</c> or <c>lowerdir=…</c>.
/// </summary>
public sealed record Mount(string Type, string Source, string Target, IReadOnlyList<string> Options);
