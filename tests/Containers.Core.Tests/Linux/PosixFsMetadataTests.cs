using Containers.Linux;

namespace Containers.Core.Tests.Linux;

public sealed class PosixFsMetadataTests : TempRootTest
{
    private const UnixFileMode TargetMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [SetUp]
    public void CreateFileAndLink()
    {
        File.WriteAllText(PathOf("file"), "x");
        File.SetUnixFileMode(PathOf("file"), TargetMode);
        File.CreateSymbolicLink(PathOf("link"), "file");
    }

    [Test]
    public void ChangeOwnerAt_Symlink_ChangesTheLinkNotItsTarget()
    {
        RequireRoot("chown to another user needs CAP_CHOWN");

        PosixFs.ChangeOwnerAt(RootHandle, "link", 1234, 5678);

        var link = PosixFs.StatAt(RootHandle, "link");
        var file = PosixFs.StatAt(RootHandle, "file");
        Assert.That((link.Uid, link.Gid), Is.EqualTo((1234u, 5678u)));
        Assert.That((file.Uid, file.Gid), Is.EqualTo((0u, 0u)));
    }

    [Test]
    public void ChangeOwner_OPathSymlinkDescriptor_ChangesTheLink()
    {
        RequireRoot("chown to another user needs CAP_CHOWN");
        using var link = PosixFs.OpenAt(RootHandle, "link", LibC.O_PATH | LibC.O_NOFOLLOW);

        PosixFs.ChangeOwner(link, 42, 43);

        Assert.That((PosixFs.Stat(link).Uid, PosixFs.Stat(link).Gid), Is.EqualTo((42u, 43u)));
        Assert.That(PosixFs.StatAt(RootHandle, "file").Uid, Is.Zero);
    }

    [Test]
    public void ChangeMode_OPathDescriptor_SetsExactBits()
    {
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.StickyBit;
        using var file = PosixFs.OpenAt(RootHandle, "file", LibC.O_PATH);
        using var readable = PosixFs.OpenAt(RootHandle, "file", LibC.O_RDONLY);

        PosixFs.ChangeMode(file, mode);
        var viaPath = File.GetUnixFileMode(PathOf("file"));
        PosixFs.ChangeMode(readable, TargetMode);

        Assert.That(viaPath, Is.EqualTo(mode), "umask must not filter ChangeMode");
        Assert.That(PosixFs.Stat(readable).Mode, Is.EqualTo(TargetMode));
    }

    [Test]
    public void ChangeMode_SymlinkDescriptor_FailsWithoutTouchingTheTarget()
    {
        using var link = PosixFs.OpenAt(RootHandle, "link", LibC.O_PATH | LibC.O_NOFOLLOW);

        var error = Assert.Catch(() => PosixFs.ChangeMode(link, UnixFileMode.UserRead));

        Assert.That(Errno.Of(error!), Is.EqualTo(Errno.EOPNOTSUPP));
        Assert.That(File.GetUnixFileMode(PathOf("file")), Is.EqualTo(TargetMode));
    }

    [Test]
    public void ChangeModeAt_File_SetsBitsAndSymlinkIsRefused()
    {
        PosixFs.ChangeModeAt(RootHandle, "file", UnixFileMode.UserRead);
        var error = Assert.Catch(() => PosixFs.ChangeModeAt(RootHandle, "link", UnixFileMode.UserExecute));

        Assert.That(File.GetUnixFileMode(PathOf("file")), Is.EqualTo(UnixFileMode.UserRead));
        Assert.That(Errno.Of(error!), Is.EqualTo(Errno.EOPNOTSUPP));
    }

    [Test]
    public void SetTimesAt_Symlink_SetsNanosecondsOnTheLinkOnly()
    {
        var before = PosixFs.StatAt(RootHandle, "file");

        PosixFs.SetTimesAt(RootHandle, "link", (1_000_000_000, 123_456_789), (1_500_000_000, 987_654_321));

        var link = PosixFs.StatAt(RootHandle, "link");
        Assert.That(link.ATime, Is.EqualTo((1_000_000_000L, 123_456_789u)));
        Assert.That(link.MTime, Is.EqualTo((1_500_000_000L, 987_654_321u)));
        Assert.That(link.MTimeNanoseconds, Is.EqualTo(1_500_000_000_987_654_321L));
        Assert.That(PosixFs.StatAt(RootHandle, "file").MTime, Is.EqualTo(before.MTime));
    }

    [Test]
    public void SetTimes_Descriptors_SetNanosecondsAndOmitKeepsATime()
    {
        using var file = PosixFs.OpenAt(RootHandle, "file", LibC.O_RDONLY);
        using var link = PosixFs.OpenAt(RootHandle, "link", LibC.O_PATH | LibC.O_NOFOLLOW);
        var atime = PosixFs.Stat(file).ATime;

        PosixFs.SetTimes(file, PosixFs.OmitTime, (1_600_000_000, 1));
        PosixFs.SetTimes(link, (1_700_000_000, 2), (1_700_000_000, 3));

        Assert.That(PosixFs.Stat(file).MTime, Is.EqualTo((1_600_000_000L, 1u)));
        Assert.That(PosixFs.Stat(file).ATime, Is.EqualTo(atime));
        Assert.That(PosixFs.Stat(link).MTime, Is.EqualTo((1_700_000_000L, 3u)));
    }
}
