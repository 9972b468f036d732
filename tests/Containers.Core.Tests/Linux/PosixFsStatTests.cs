using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Containers.Linux;

namespace Containers.Core.Tests.Linux;

public sealed class PosixFsStatTests : TempRootTest
{
    [Test]
    public void Statx_Struct_MatchesKernelLayout()
    {
        Assert.That(Unsafe.SizeOf<LibC.Statx>(), Is.EqualTo(256));
        Assert.That(Marshal.OffsetOf<LibC.Statx>(nameof(LibC.Statx.Inode)), Is.EqualTo((nint)32));
        Assert.That(Marshal.OffsetOf<LibC.Statx>(nameof(LibC.Statx.ATime)), Is.EqualTo((nint)64));
        Assert.That(Marshal.OffsetOf<LibC.Statx>(nameof(LibC.Statx.MTime)), Is.EqualTo((nint)112));
        Assert.That(Marshal.OffsetOf<LibC.Statx>(nameof(LibC.Statx.RDevMajor)), Is.EqualTo((nint)128));
        Assert.That(Marshal.OffsetOf<LibC.Statx>(nameof(LibC.Statx.MountId)), Is.EqualTo((nint)144));
    }

    [Test]
    public void MakeDev_LargeNumbers_MatchGlibcEncoding()
    {
        // Values from glibc's makedev (python3 os.makedev).
        Assert.That(LibC.MakeDev(0x12345, 0x6789AB), Is.EqualTo(0x12006789345abUL));
        Assert.That(LibC.MakeDev(8, 1), Is.EqualTo(0x801UL));
    }

    [TestCase(LibC.S_IFSOCK | 0xDED, (uint)FileKind.Socket)]
    [TestCase(0x1EDu, (uint)FileKind.Unknown)]
    [TestCase(0xE1EDu, (uint)FileKind.Unknown)]
    public void From_ModeWord_SplitsKindFromTwelvePermissionBits(uint mode, uint kind)
    {
        var status = FileStatus.From(new LibC.Statx { Mode = (ushort)mode });

        Assert.That(status.Kind, Is.EqualTo((FileKind)kind));
        Assert.That((uint)status.Mode, Is.EqualTo(mode & 0xFFF));
    }

    [Test]
    public void StatAt_RegularFile_MatchesDotNet()
    {
        var path = PathOf("file");
        File.WriteAllText(path, "hello");
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.SetGroup;
        File.SetUnixFileMode(path, mode);
        var info = new FileInfo(path);

        var status = PosixFs.StatAt(RootHandle, "file");

        Assert.That(status.Kind, Is.EqualTo(FileKind.Regular));
        Assert.That(status.Mode, Is.EqualTo(File.GetUnixFileMode(path)).And.EqualTo(mode));
        Assert.That(status.Size, Is.EqualTo(info.Length));
        Assert.That(status.Links, Is.EqualTo(1));
        Assert.That(status.MTimeNanoseconds / 100, Is.EqualTo((info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks));
        Assert.That(status.ATimeNanoseconds / 100, Is.EqualTo((info.LastAccessTimeUtc - DateTime.UnixEpoch).Ticks));
    }

    [Test]
    public void Stat_Descriptor_SeesTheSameInodeAsStatAt()
    {
        Directory.CreateDirectory(PathOf("dir"));
        using var dir = PosixFs.OpenAt(RootHandle, "dir", LibC.O_PATH);

        var byFd = PosixFs.Stat(dir);
        var byName = PosixFs.StatAt(null, PathOf("dir"));

        Assert.That(byFd.Kind, Is.EqualTo(FileKind.Directory));
        Assert.That(byFd, Is.EqualTo(byName));
        Assert.That(byFd.Device, Is.EqualTo(LibC.MakeDev(byFd.DevMajor, byFd.DevMinor)));
    }

    [Test]
    public void StatAt_Symlink_IsSymlinkUnlessFollowed()
    {
        Directory.CreateDirectory(PathOf("dir"));
        File.CreateSymbolicLink(PathOf("link"), "dir");

        var link = PosixFs.StatAt(RootHandle, "link");
        var target = PosixFs.StatAt(RootHandle, "link", followSymlinks: true);

        Assert.That(link.Kind, Is.EqualTo(FileKind.Symlink));
        Assert.That(link.Size, Is.EqualTo("dir".Length));
        Assert.That(target.Kind, Is.EqualTo(FileKind.Directory));
    }

    [Test]
    public void TryStatAt_Missing_ReturnsEnoent()
    {
        var errno = PosixFs.TryStatAt(RootHandle, "absent", out var status);

        Assert.That(errno, Is.EqualTo(Errno.ENOENT));
        Assert.That(status, Is.EqualTo(default(FileStatus)));
    }
}
