using Containers.Linux;

namespace Containers.Core.Tests.Linux;

public sealed class PosixFsXattrTests : TempRootTest
{
    private static readonly byte[] Binary = [0xff, 0x00, 0xfe, 0x80, 0xc3];

    [SetUp]
    public void CreateFile()
    {
        File.WriteAllText(PathOf("file"), "x");
        if (PosixFs.TryGetXattr(PathOf("file"), "user.probe", out _) == Errno.EOPNOTSUPP)
        {
            Assert.Ignore($"needs user xattrs: the filesystem of {Root} has none");
        }
    }

    [Test]
    public void SetXattr_UserAttribute_RoundTripsBinaryValue()
    {
        var path = PathOf("file");

        PosixFs.SetXattr(path, "user.test", Binary);

        Assert.That(PosixFs.ListXattrs(path), Does.Contain("user.test"));
        Assert.That(PosixFs.GetXattr(path, "user.test"), Is.EqualTo(Binary));
    }

    [Test]
    public void GetXattr_Unset_IsNullAndTryReturnsEnodata()
    {
        Assert.That(PosixFs.GetXattr(PathOf("file"), "user.absent"), Is.Null);
        Assert.That(PosixFs.TryGetXattr(PathOf("file"), "user.absent", out var value), Is.EqualTo(Errno.ENODATA));
        Assert.That(value, Is.Null);
    }

    [Test]
    public void GetXattr_ValueLargerThanFirstBuffer_IsReadWhole()
    {
        var large = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        using var file = PosixFs.OpenAt(RootHandle, "file", LibC.O_RDONLY);

        PosixFs.SetXattr(file, "user.large", large);

        Assert.That(PosixFs.GetXattr(file, "user.large"), Is.EqualTo(large));
        Assert.That(PosixFs.GetXattr(PathOf("file"), "user.large"), Is.EqualTo(large));
    }

    [Test]
    public void Xattrs_OPathDescriptor_GoThroughProc()
    {
        using var file = PosixFs.OpenAt(RootHandle, "file", LibC.O_PATH);

        PosixFs.SetXattr(file, "user.a", Binary);
        PosixFs.SetXattr(file, "user.b", [1]);
        var names = PosixFs.ListXattrs(file);
        var value = PosixFs.GetXattr(file, "user.a");
        PosixFs.RemoveXattr(file, "user.b");

        Assert.That(names, Is.SupersetOf(new[] { "user.a", "user.b" }));
        Assert.That(value, Is.EqualTo(Binary));
        Assert.That(PosixFs.GetXattr(PathOf("file"), "user.b"), Is.Null);
    }

    [Test]
    public void SetXattr_TrustedOnSymlinkDescriptor_LandsOnTheLink()
    {
        RequireRoot("trusted.* xattrs need CAP_SYS_ADMIN");
        File.CreateSymbolicLink(PathOf("link"), "file");
        using var link = PosixFs.OpenAt(RootHandle, "link", LibC.O_PATH | LibC.O_NOFOLLOW);

        PosixFs.SetXattr(link, "trusted.x", Binary);

        Assert.That(PosixFs.GetXattr(PathOf("link"), "trusted.x"), Is.EqualTo(Binary));
        Assert.That(PosixFs.ListXattrs(PathOf("link")), Does.Contain("trusted.x"));
        Assert.That(PosixFs.GetXattr(PathOf("file"), "trusted.x"), Is.Null);
    }
}
