using Containers.Images.Snapshots;
using Containers.Images.Snapshots.Native;
using Containers.Linux;

namespace Containers.Images.Tests.Snapshots;

/// <summary>The copying snapshotter against the shared conformance tests, and what its copy keeps.</summary>
public sealed class NativeSnapshotterTests : SnapshotterConformance
{
    [Test]
    public async Task Prepare_CopiesTheParentKeepingOwnersModesHardLinksAndDevices()
    {
        var first = MountNew(await Snapshotter.PrepareAsync("a", null));
        var file = Path.Combine(first, "file");
        await File.WriteAllTextAsync(file, "data");
        using (var handle = PosixFs.OpenDirectory(first))
        {
            // chown clears setuid, so the mode comes after it.
            PosixFs.ChangeOwnerAt(handle, "file", 1234, 5678);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.SetUser);
            PosixFs.LinkAt(handle, "file", handle, "link");
            PosixFs.MakeNodeAt(handle, "null", FileKind.CharDevice, UnixFileMode.UserRead | UnixFileMode.UserWrite, 1, 3);
        }

        PosixFs.SetXattr(file, "user.test", "value"u8);
        Unmount(first);
        await Snapshotter.CommitAsync("base", "a");

        var copy = MountNew(await Snapshotter.PrepareAsync("b", "base"));
        var status = PosixFs.StatAt(null, Path.Combine(copy, "file"));
        var link = PosixFs.StatAt(null, Path.Combine(copy, "link"));
        var device = PosixFs.StatAt(null, Path.Combine(copy, "null"));
        Assert.Multiple(() =>
        {
            Assert.That((status.Uid, status.Gid), Is.EqualTo((1234u, 5678u)));
            Assert.That(status.Mode, Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.SetUser));
            Assert.That(link.Inode, Is.EqualTo(status.Inode), "hard links stay linked");
            Assert.That((device.Kind, device.RDevMajor, device.RDevMinor), Is.EqualTo((FileKind.CharDevice, 1u, 3u)));
            Assert.That(PosixFs.GetXattr(Path.Combine(copy, "file"), "user.test"), Is.EqualTo("value"u8.ToArray()));
        });
        Unmount(copy);
    }

    private protected override ISnapshotter Create(string root) => new NativeSnapshotter(root);
}
