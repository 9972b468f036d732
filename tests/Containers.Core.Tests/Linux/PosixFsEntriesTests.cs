using Containers.Errors;
using Containers.Linux;

namespace Containers.Core.Tests.Linux;

public sealed class PosixFsEntriesTests : TempRootTest
{
    [Test]
    public void MakeDirectoryAt_Existing_ThrowsAlreadyExistsNamingTheCall()
    {
        PosixFs.MakeDirectoryAt(RootHandle, "sub", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var error = Assert.Throws<AlreadyExistsException>(() => PosixFs.MakeDirectoryAt(RootHandle, "sub", UnixFileMode.UserRead));

        Assert.That(error!.Message, Is.EqualTo($"mkdirat \"sub\" in \"{Root}\": File exists (errno 17)"));
        Assert.That(PosixFs.TryMakeDirectoryAt(RootHandle, "sub", UnixFileMode.UserRead), Is.EqualTo(Errno.EEXIST));
        Assert.That(Directory.Exists(PathOf("sub")), Is.True);
    }

    [Test]
    public void MakeNodeAt_Fifo_IsReportedAsFifo()
    {
        PosixFs.MakeNodeAt(RootHandle, "pipe", FileKind.Fifo, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var status = PosixFs.StatAt(RootHandle, "pipe");

        Assert.That(status.Kind, Is.EqualTo(FileKind.Fifo));
        Assert.That(status.Mode, Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void MakeNodeAt_CharDevice_ReadsBackMajorAndMinor()
    {
        RequireRoot("mknod of a character device needs CAP_MKNOD");

        PosixFs.MakeNodeAt(RootHandle, "null", FileKind.CharDevice, UnixFileMode.UserRead | UnixFileMode.UserWrite, major: 1, minor: 3);

        var status = PosixFs.StatAt(RootHandle, "null");

        Assert.That(status.Kind, Is.EqualTo(FileKind.CharDevice));
        Assert.That((status.RDevMajor, status.RDevMinor), Is.EqualTo((1u, 3u)));
    }

    [Test]
    public void MakeNodeAt_Directory_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PosixFs.MakeNodeAt(RootHandle, "dir", FileKind.Directory, UnixFileMode.UserRead));
        Assert.That(Path.Exists(PathOf("dir")), Is.False);
    }

    [TestCase("target")]
    [TestCase("/absolute/ünïcode target")]
    [TestCase(null)]
    public void SymlinkAt_ReadLinkAt_RoundTripsTheTarget(string? target)
    {
        // null stands for a target far longer than the first read buffer.
        target ??= string.Join('/', Enumerable.Repeat(new string('d', 100), 30));

        PosixFs.SymlinkAt(target, RootHandle, "link");

        Assert.That(PosixFs.ReadLinkAt(RootHandle, "link"), Is.EqualTo(target));
        Assert.That(PosixFs.TryReadLinkAt(RootHandle, "link", out var again), Is.Zero);
        Assert.That(again, Is.EqualTo(target));
    }

    [Test]
    public void ReadLinkAt_EmptyNameOnSymlinkDescriptor_ReadsThatSymlink()
    {
        File.CreateSymbolicLink(PathOf("link"), "../elsewhere");
        using var link = PosixFs.OpenAt(RootHandle, "link", LibC.O_PATH | LibC.O_NOFOLLOW);

        Assert.That(PosixFs.ReadLinkAt(link, string.Empty), Is.EqualTo("../elsewhere"));
    }

    [Test]
    public void TryReadLinkAt_NotASymlink_ReturnsEinval()
    {
        File.WriteAllText(PathOf("file"), "x");

        Assert.That(PosixFs.TryReadLinkAt(RootHandle, "file", out var target), Is.EqualTo(Errno.EINVAL));
        Assert.That(target, Is.Null);
    }

    [Test]
    public void LinkAt_File_MakesTwoLinksToOneInode()
    {
        File.WriteAllText(PathOf("file"), "x");
        PosixFs.MakeDirectoryAt(RootHandle, "sub", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var sub = PosixFs.OpenAt(RootHandle, "sub", LibC.O_PATH | LibC.O_DIRECTORY);

        PosixFs.LinkAt(RootHandle, "file", sub, "hard");

        var original = PosixFs.StatAt(RootHandle, "file");
        var link = PosixFs.StatAt(sub, "hard");
        Assert.That(original.Links, Is.EqualTo(2));
        Assert.That((link.Device, link.Inode), Is.EqualTo((original.Device, original.Inode)));
    }

    [Test]
    public void LinkAt_Symlink_LinksTheSymlinkItself()
    {
        File.WriteAllText(PathOf("file"), "x");
        File.CreateSymbolicLink(PathOf("soft"), "file");

        PosixFs.LinkAt(RootHandle, "soft", RootHandle, "hard");

        Assert.That(PosixFs.StatAt(RootHandle, "hard").Kind, Is.EqualTo(FileKind.Symlink));
        Assert.That(PosixFs.StatAt(RootHandle, "file").Links, Is.EqualTo(1));
    }

    [Test]
    public void UnlinkAt_EmptyDirectory_RemovesIt()
    {
        Directory.CreateDirectory(PathOf("dir"));

        var asFile = PosixFs.TryUnlinkAt(RootHandle, "dir");
        PosixFs.UnlinkAt(RootHandle, "dir", directory: true);

        Assert.That(asFile, Is.EqualTo(Errno.EISDIR));
        Assert.That(Directory.Exists(PathOf("dir")), Is.False);
        Assert.That(PosixFs.TryUnlinkAt(RootHandle, "dir", directory: true), Is.EqualTo(Errno.ENOENT));
    }

    [Test]
    public void UnlinkAt_NonEmptyDirectory_ThrowsConflictCarryingEnotempty()
    {
        Directory.CreateDirectory(PathOf("dir"));
        File.WriteAllText(PathOf("dir/file"), "x");

        var error = Assert.Throws<ConflictException>(() => PosixFs.UnlinkAt(RootHandle, "dir", directory: true));

        Assert.That(Errno.Of(error!), Is.EqualTo(Errno.ENOTEMPTY));
        Assert.That(File.Exists(PathOf("dir/file")), Is.True);
    }

    [Test]
    public void Rename_NoReplaceOntoExisting_ThrowsAlreadyExistsAndKeepsBoth()
    {
        File.WriteAllText(PathOf("a"), "a");
        File.WriteAllText(PathOf("b"), "b");

        Assert.Throws<AlreadyExistsException>(() => PosixFs.Rename(RootHandle, "a", RootHandle, "b", LibC.RENAME_NOREPLACE));
        PosixFs.Rename(RootHandle, "a", RootHandle, "c");

        Assert.That(File.ReadAllText(PathOf("b")), Is.EqualTo("b"));
        Assert.That(File.ReadAllText(PathOf("c")), Is.EqualTo("a"));
        Assert.That(File.Exists(PathOf("a")), Is.False);
    }
}
