namespace Containers.Mounts;

/// <summary>
/// One line of <c>/proc/&lt;pid&gt;/mountinfo</c> (proc(5)), with the octal escapes (<c>\040</c>)
/// of <see cref="Root"/>, <see cref="MountPoint"/> and <see cref="Source"/> undone.
/// </summary>
/// <param name="MountId">The unique id of the mount.</param>
/// <param name="ParentId">The id of the parent mount (itself for the root of the tree).</param>
/// <param name="Major">The major device number of the filesystem (st_dev).</param>
/// <param name="Minor">The minor device number of the filesystem (st_dev).</param>
/// <param name="Root">The directory of the filesystem that forms the root of this mount.</param>
/// <param name="MountPoint">Where the mount is, relative to the reader's root.</param>
/// <param name="MountOptions">Per-mount options such as <c>rw</c> and <c>nosuid</c>.</param>
/// <param name="OptionalFields">Propagation tags such as <c>shared:1</c> and <c>master:2</c>.</param>
/// <param name="FsType">The filesystem type, for example <c>cgroup2</c> or <c>ext4</c> (with a subtype as <c>fuse.sshfs</c>).</param>
/// <param name="Source">The filesystem-specific source, for example <c>/dev/vda</c>, or <c>none</c>.</param>
/// <param name="SuperOptions">Per-superblock options; for cgroup v1 these name the controllers.</param>
public sealed record MountInfoEntry(
    int MountId,
    int ParentId,
    uint Major,
    uint Minor,
    string Root,
    string MountPoint,
    IReadOnlyList<string> MountOptions,
    IReadOnlyList<string> OptionalFields,
    string FsType,
    string Source,
    IReadOnlyList<string> SuperOptions);
