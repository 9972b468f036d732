using System.Runtime.InteropServices;
using Containers.Errors;

namespace Containers.Linux;

/// <summary>
/// Turns a failed syscall's errno into the platform's typed errors. Every exception made here
/// keeps the errno (read it back with <see cref="Of"/>); hot paths skip exceptions altogether
/// and compare the errno that the <c>Try…</c> wrappers return.
/// </summary>
internal static class Errno
{
    internal const int EPERM = 1;
    internal const int ENOENT = 2;
    internal const int ESRCH = 3;
    internal const int EINTR = 4;
    internal const int EIO = 5;
    internal const int E2BIG = 7;
    internal const int EBADF = 9;
    internal const int EAGAIN = 11;
    internal const int EACCES = 13;
    internal const int EBUSY = 16;
    internal const int EEXIST = 17;
    internal const int EXDEV = 18;
    internal const int ENODEV = 19;
    internal const int ENOTDIR = 20;
    internal const int EISDIR = 21;
    internal const int EINVAL = 22;
    internal const int ENOSPC = 28;
    internal const int EROFS = 30;
    internal const int EMLINK = 31;
    internal const int EPIPE = 32;
    internal const int ERANGE = 34;
    internal const int ENAMETOOLONG = 36;
    internal const int ENOSYS = 38;
    internal const int ENOTEMPTY = 39;
    internal const int ELOOP = 40;
    internal const int ENODATA = 61;
    internal const int EMSGSIZE = 90;
    internal const int EOPNOTSUPP = 95;
    internal const int ECONNRESET = 104;

    private const string DataKey = "errno";

    /// <summary>The errno left by the last <c>SetLastError = true</c> import on this thread.</summary>
    internal static int Last => Marshal.GetLastPInvokeError();

    /// <summary>Builds the exception for the last failed import on this thread.</summary>
    internal static Exception ToException(string call, string subject) => ToException(Last, call, subject);

    /// <summary>
    /// Builds the exception for <paramref name="errno"/>, with a message such as
    /// <c>mkdirat "usr/bin": File exists (errno 17)</c>.
    /// </summary>
    internal static Exception ToException(int errno, string call, string subject) =>
        Create(errno, $"{call} {subject}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");

    /// <summary>
    /// The same kind of exception as <paramref name="exception"/> (which carries an errno), for
    /// the same errno, with <paramref name="context"/> put before its message:
    /// <c>layer sha256:ab… entry "usr/x": openat "x" in "/rootfs/usr": File name too long (errno 36)</c>.
    /// </summary>
    internal static Exception WithContext(Exception exception, string context)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Create(Of(exception), $"{context}: {exception.Message}", exception);
    }

    private static Exception Create(int errno, string text, Exception? inner = null)
    {
        Exception exception = errno switch
        {
            ENOENT or ENODATA => new NotFoundException(text, inner),
            EEXIST => new AlreadyExistsException(text, inner),
            EINVAL => new InvalidArgumentException(text, inner),
            // The entry on disk is busy, or is not the kind (or not in the state) the call expected.
            EBUSY or ENOTEMPTY or ENOTDIR or EISDIR => new ConflictException(text, inner),
            EPERM or EACCES => new UnauthorizedAccessException(text, inner),
            _ => new IOException(text, inner) { HResult = errno },
        };
        exception.Data[DataKey] = errno;
        return exception;
    }

    /// <summary>The errno an exception from <see cref="ToException(int, string, string)"/> carries; 0 for any other exception.</summary>
    internal static int Of(Exception exception) => exception.Data[DataKey] is int errno ? errno : 0;
}
