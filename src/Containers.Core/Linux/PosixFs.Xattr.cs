using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Containers.Linux;

/// <summary>
/// Extended attributes. The path overloads never follow a final symlink (the l*xattr calls). The
/// descriptor overloads use the f*xattr calls and, since those reject O_PATH descriptors with
/// EBADF, fall back to the following calls on <see cref="ProcPath"/>, which reach the descriptor's
/// own inode (a symlink's too).
/// </summary>
internal static unsafe partial class PosixFs
{
    /// <summary>The names of the extended attributes on <paramref name="path"/> (llistxattr).</summary>
    internal static IReadOnlyList<string> ListXattrs(string path) => ListXattrs(XattrTarget.Path(path));

    /// <summary>The names of the extended attributes on what <paramref name="fd"/> refers to.</summary>
    internal static IReadOnlyList<string> ListXattrs(SafeFileHandle fd) => ListXattrs(XattrTarget.For(fd));

    /// <summary>The value of <paramref name="name"/> on <paramref name="path"/> (lgetxattr), or null when it is not set.</summary>
    internal static byte[]? GetXattr(string path, string name) => GetXattr(XattrTarget.Path(path), name);

    internal static byte[]? GetXattr(SafeFileHandle fd, string name) => GetXattr(XattrTarget.For(fd), name);

    /// <summary>lgetxattr; ENODATA when <paramref name="name"/> is not set.</summary>
    internal static int TryGetXattr(string path, string name, out byte[]? value) => TryRead(XattrTarget.Path(path), name, out value);

    internal static int TryGetXattr(SafeFileHandle fd, string name, out byte[]? value) => TryRead(XattrTarget.For(fd), name, out value);

    /// <summary>Sets (creating or replacing) <paramref name="name"/> on <paramref name="path"/> (lsetxattr).</summary>
    internal static void SetXattr(string path, string name, ReadOnlySpan<byte> value) => SetXattr(XattrTarget.Path(path), name, value);

    internal static void SetXattr(SafeFileHandle fd, string name, ReadOnlySpan<byte> value) => SetXattr(XattrTarget.For(fd), name, value);

    /// <summary>Removes <paramref name="name"/> from what <paramref name="fd"/> refers to; NotFound when it is not set.</summary>
    internal static void RemoveXattr(SafeFileHandle fd, string name)
    {
        var target = XattrTarget.For(fd);
        var errno = target.Remove(name);
        if (errno == Errno.EBADF)
        {
            target = target.ThroughProc();
            errno = target.Remove(name);
        }

        target.Check(errno, "removexattr", name);
    }

    private static List<string> ListXattrs(XattrTarget target)
    {
        var errno = TryRead(target, name: null, out var list);
        target.Check(errno, "listxattr", name: null);
        var names = new List<string>();
        foreach (var range in list.AsSpan().Split((byte)0))
        {
            if (range.End.Value > range.Start.Value)
            {
                names.Add(Encoding.UTF8.GetString(list.AsSpan(range)));
            }
        }

        return names;
    }

    private static byte[]? GetXattr(XattrTarget target, string name)
    {
        var errno = TryRead(target, name, out var value);
        if (errno == Errno.ENODATA)
        {
            return null;
        }

        target.Check(errno, "getxattr", name);
        return value;
    }

    private static void SetXattr(XattrTarget target, string name, ReadOnlySpan<byte> value)
    {
        var errno = target.Set(name, value);
        if (errno == Errno.EBADF && target.IsDescriptor)
        {
            target = target.ThroughProc();
            errno = target.Set(name, value);
        }

        target.Check(errno, "setxattr", name);
    }

    /// <summary>Reads a value (or, with no <paramref name="name"/>, the name list), growing the buffer on ERANGE.</summary>
    private static int TryRead(XattrTarget target, string? name, out byte[]? data)
    {
        // Most values are small: one call into a stack buffer, then size exactly if that was short.
        Span<byte> small = stackalloc byte[256];
        var length = target.Read(name, small);
        if (length == -Errno.EBADF && target.IsDescriptor)
        {
            target = target.ThroughProc();
            length = target.Read(name, small);
        }

        if (length >= 0)
        {
            data = small[..(int)length].ToArray();
            return 0;
        }

        while (length == -Errno.ERANGE)
        {
            // Too big for the stack buffer, or it grew between the two calls below: size it exactly.
            length = target.Read(name, []);
            if (length < 0)
            {
                break;
            }

            var buffer = new byte[length];
            length = target.Read(name, buffer);
            if (length >= 0)
            {
                data = length == buffer.Length ? buffer : buffer[..(int)length];
                return 0;
            }
        }

        data = null;
        return (int)-length;
    }

    /// <summary>A path (no-follow), a descriptor, or a descriptor's /proc path (follow).</summary>
    private readonly struct XattrTarget
    {
        private readonly string? _path;
        private readonly SafeFileHandle? _fd;
        private readonly bool _follow;

        private XattrTarget(string? path, SafeFileHandle? fd, bool follow)
        {
            _path = path;
            _fd = fd;
            _follow = follow;
        }

        public static XattrTarget Path(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            return new(path, null, follow: false);
        }

        public static XattrTarget For(SafeFileHandle fd)
        {
            ArgumentNullException.ThrowIfNull(fd);
            return new(null, fd, follow: false);
        }

        /// <summary>An f*xattr target, whose EBADF means "O_PATH descriptor" and calls for <see cref="ThroughProc"/>.</summary>
        public bool IsDescriptor => _path is null;

        public XattrTarget ThroughProc() => new(ProcPath(_fd!), _fd, follow: true);

        /// <summary>The length read, or minus the errno.</summary>
        public long Read(string? name, Span<byte> buffer)
        {
            fixed (byte* bytes = buffer)
            {
                var size = (nuint)buffer.Length;
                var result = (name, _path, _follow) switch
                {
                    (null, null, _) => LibC.FListXattr(_fd!, bytes, size),
                    (null, _, false) => LibC.LListXattr(_path, bytes, size),
                    (null, _, true) => LibC.ListXattr(_path, bytes, size),
                    (_, null, _) => LibC.FGetXattr(_fd!, name, bytes, size),
                    (_, _, false) => LibC.LGetXattr(_path, name, bytes, size),
                    (_, _, true) => LibC.GetXattr(_path, name, bytes, size),
                };
                return result < 0 ? -Errno.Last : result;
            }
        }

        public int Set(string name, ReadOnlySpan<byte> value)
        {
            fixed (byte* bytes = value)
            {
                var size = (nuint)value.Length;
                var result = (_path, _follow) switch
                {
                    (null, _) => LibC.FSetXattr(_fd!, name, bytes, size, 0),
                    (_, false) => LibC.LSetXattr(_path, name, bytes, size, 0),
                    (_, true) => LibC.SetXattr(_path, name, bytes, size, 0),
                };
                return ErrnoOf(result);
            }
        }

        public int Remove(string name) =>
            ErrnoOf(_path is null ? LibC.FRemoveXattr(_fd!, name) : LibC.RemoveXattr(_path, name));

        public void Check(int errno, string call, string? name)
        {
            if (errno == 0)
            {
                return;
            }

            var prefix = _path is null ? "f" : _follow ? string.Empty : "l";
            var subject = _fd is null ? $"\"{_path}\"" : Describe(_fd);
            throw Errno.ToException(errno, prefix + call, name is null ? subject : $"{subject} attribute \"{name}\"");
        }
    }
}
