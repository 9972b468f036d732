using System.Runtime.InteropServices;
using Containers.Errors;

namespace Containers.Linux;

/// <summary>Turns a failed syscall's errno into the platform's typed errors.</summary>
internal static class Errno
{
    internal const int ENOENT = 2;
    internal const int EACCES = 13;
    internal const int EEXIST = 17;
    internal const int EINVAL = 22;
    internal const int EBUSY = 16;

    internal static Exception ToException(string call, string subject)
    {
        var errno = Marshal.GetLastPInvokeError();
        var text = $"{call} {subject}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
        return errno switch
        {
            ENOENT => new NotFoundException(text),
            EEXIST => new AlreadyExistsException(text),
            EINVAL => new InvalidArgumentException(text),
            EBUSY => new ConflictException(text),
            _ => new IOException(text, errno),
        };
    }
}
