using Containers.Errors;
using Containers.Linux;

namespace Containers.Core.Tests.Linux;

public sealed class ErrnoTests
{
    [TestCase(Errno.ENOENT, typeof(NotFoundException))]
    [TestCase(Errno.ENODATA, typeof(NotFoundException))]
    [TestCase(Errno.EEXIST, typeof(AlreadyExistsException))]
    [TestCase(Errno.EINVAL, typeof(InvalidArgumentException))]
    [TestCase(Errno.ENOTEMPTY, typeof(ConflictException))]
    [TestCase(Errno.ENOTDIR, typeof(ConflictException))]
    [TestCase(Errno.EISDIR, typeof(ConflictException))]
    [TestCase(Errno.EPERM, typeof(UnauthorizedAccessException))]
    [TestCase(Errno.ELOOP, typeof(IOException))]
    [TestCase(Errno.EXDEV, typeof(IOException))]
    public void ToException_Errno_MapsToTypeAndKeepsTheErrno(int errno, Type expected)
    {
        var error = Errno.ToException(errno, "call", "\"subject\"");

        Assert.That(error, Is.TypeOf(expected));
        Assert.That(Errno.Of(error), Is.EqualTo(errno));
    }

    [Test]
    public void ToException_Message_NamesCallSubjectAndErrno()
    {
        var error = Errno.ToException(Errno.EEXIST, "mkdirat", "\"usr/bin\"");

        Assert.That(error.Message, Is.EqualTo("mkdirat \"usr/bin\": File exists (errno 17)"));
    }

    [TestCase(Errno.ENOENT, typeof(NotFoundException))]
    [TestCase(Errno.ENAMETOOLONG, typeof(IOException))]
    public void WithContext_KeepsTypeErrnoAndCause(int errno, Type expected)
    {
        var cause = Errno.ToException(errno, "openat", "\"x\"");

        var error = Errno.WithContext(cause, "layer sha256:ab entry \"usr/x\"");

        Assert.That(error, Is.TypeOf(expected));
        Assert.That(Errno.Of(error), Is.EqualTo(errno));
        Assert.That(error.InnerException, Is.SameAs(cause));
        Assert.That(error.Message, Is.EqualTo($"layer sha256:ab entry \"usr/x\": {cause.Message}"));
        Assert.That(error.HResult, Is.EqualTo(cause.HResult));
    }

    [Test]
    public void Of_ForeignException_IsZero() => Assert.That(Errno.Of(new IOException("other")), Is.Zero);
}
