using System.Text;
using Containers.Errors;
using Containers.Linux;

namespace Containers.Cgroups;

/// <summary>
/// Reads and writes the small pseudo-files of cgroupfs with raw syscalls, so that the errno
/// (EBUSY, EINVAL, ENOSPC…) reaches <see cref="Errno"/> and the message names the cgroup and the file.
/// </summary>
internal static unsafe class CgroupFile
{
    /// <summary>Writes <paramref name="value"/> to <paramref name="directory"/>/<paramref name="file"/> in one write(2), as the kernel expects.</summary>
    internal static void Write(CgroupPath cgroup, string directory, string file, string value)
    {
        var path = Path.Join(directory, file);
        var errno = TryWrite(path, value);
        if (errno != 0)
        {
            var error = Errno.ToException(errno, $"cgroup \"{cgroup}\": write", $"\"{Printable(value)}\" to {path}");
            // The kernel answers ERANGE for a value out of its range (a CPU that does not exist):
            // for a cgroup file that is a bad argument, not an I/O failure.
            throw errno == Errno.ERANGE ? new InvalidArgumentException(error.Message, error) : error;
        }
    }

    internal static int TryWrite(string path, string value)
    {
        var fd = LibC.Open(path, LibC.O_WRONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0)
        {
            return Errno.Last;
        }

        try
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            fixed (byte* p = bytes)
            {
                while (LibC.Write(fd, p, (nuint)bytes.Length) < 0)
                {
                    var errno = Errno.Last;
                    if (errno != Errno.EINTR)
                    {
                        return errno;
                    }
                }
            }

            return 0;
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }

    /// <summary>Reads the whole file as text.</summary>
    internal static string Read(CgroupPath cgroup, string directory, string file)
    {
        var path = Path.Join(directory, file);
        var errno = TryRead(path, out var text);
        return errno == 0 ? text! : throw Errno.ToException(errno, $"cgroup \"{cgroup}\": read", path);
    }

    internal static int TryRead(string path, out string? text)
    {
        text = null;
        var fd = LibC.Open(path, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0)
        {
            return Errno.Last;
        }

        try
        {
            var buffer = new byte[4096];
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                nint read;
                fixed (byte* p = &buffer[length])
                {
                    read = LibC.Read(fd, p, (nuint)(buffer.Length - length));
                }

                if (read < 0)
                {
                    var errno = Errno.Last;
                    if (errno == Errno.EINTR)
                    {
                        continue;
                    }

                    return errno;
                }

                if (read == 0)
                {
                    break;
                }

                length += (int)read;
            }

            text = Encoding.UTF8.GetString(buffer, 0, length);
            return 0;
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }

    /// <summary>The first line of <paramref name="text"/> without its newline.</summary>
    internal static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }

    private static string Printable(string value) => value.Replace("\n", "\\n", StringComparison.Ordinal);
}
