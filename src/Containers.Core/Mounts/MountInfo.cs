using System.Globalization;
using Containers.Errors;

namespace Containers.Mounts;

/// <summary>Reads and parses <c>/proc/&lt;pid&gt;/mountinfo</c>.</summary>
public static class MountInfo
{
    /// <summary>The mounts that this process sees.</summary>
    public static IReadOnlyList<MountInfoEntry> ReadSelf() => ReadFile("/proc/self/mountinfo");

    /// <summary>The mounts that process <paramref name="pid"/> sees.</summary>
    public static IReadOnlyList<MountInfoEntry> Read(int pid)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pid);
        return ReadFile(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/mountinfo"));
    }

    /// <summary>
    /// Parses mountinfo text, one mount a line; blank lines are skipped.
    /// </summary>
    /// <exception cref="InvalidArgumentException">A line does not have the fields of proc(5).</exception>
    public static IReadOnlyList<MountInfoEntry> Parse(ReadOnlySpan<char> text)
    {
        var entries = new List<MountInfoEntry>();
        var lineNumber = 0;
        foreach (var range in text.Split('\n'))
        {
            lineNumber++;
            var line = text[range].TrimEnd('\r');
            if (!line.IsWhiteSpace())
            {
                entries.Add(ParseLine(line, lineNumber));
            }
        }

        return entries;
    }

    private static IReadOnlyList<MountInfoEntry> ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException e)
        {
            throw new NotFoundException($"{path} does not exist: is /proc mounted, and is the process still alive?", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new NotFoundException($"{path} does not exist: is /proc mounted, and is the process still alive?", e);
        }

        return Parse(text);
    }

    private static MountInfoEntry ParseLine(ReadOnlySpan<char> line, int lineNumber)
    {
        // 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
        var rest = line;
        var mountId = ParseInt(NextField(ref rest), "mount id", line, lineNumber);
        var parentId = ParseInt(NextField(ref rest), "parent id", line, lineNumber);
        var device = NextField(ref rest);
        var colon = device.IndexOf(':');
        if (colon < 0)
        {
            throw Malformed(line, lineNumber, "the device is not major:minor");
        }

        var major = (uint)ParseInt(device[..colon], "major", line, lineNumber);
        var minor = (uint)ParseInt(device[(colon + 1)..], "minor", line, lineNumber);
        var root = Unescape(NextField(ref rest));
        var mountPoint = Unescape(NextField(ref rest));
        var mountOptions = SplitOptions(NextField(ref rest));

        var optional = new List<string>();
        while (true)
        {
            var field = NextField(ref rest);
            if (field.IsEmpty)
            {
                throw Malformed(line, lineNumber, "the \" - \" separator is missing");
            }

            if (field is "-")
            {
                break;
            }

            optional.Add(field.ToString());
        }

        var fsType = NextField(ref rest);
        if (fsType.IsEmpty)
        {
            throw Malformed(line, lineNumber, "the filesystem type is missing");
        }

        var source = Unescape(NextField(ref rest));
        var superOptions = SplitOptions(NextField(ref rest));
        return new MountInfoEntry(mountId, parentId, major, minor, root, mountPoint, mountOptions, optional, fsType.ToString(), source, superOptions);
    }

    private static ReadOnlySpan<char> NextField(ref ReadOnlySpan<char> rest)
    {
        rest = rest.TrimStart(' ');
        var end = rest.IndexOf(' ');
        if (end < 0)
        {
            var last = rest;
            rest = default;
            return last;
        }

        var field = rest[..end];
        rest = rest[(end + 1)..];
        return field;
    }

    private static int ParseInt(ReadOnlySpan<char> field, string what, ReadOnlySpan<char> line, int lineNumber) =>
        int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Malformed(line, lineNumber, $"the {what} \"{field}\" is not a number");

    private static string[] SplitOptions(ReadOnlySpan<char> field) =>
        field.IsEmpty ? [] : field.ToString().Split(',');

    private static InvalidArgumentException Malformed(ReadOnlySpan<char> line, int lineNumber, string why) =>
        new($"mountinfo line {lineNumber} \"{line}\" is malformed: {why}; expected the fields of proc(5)");

    /// <summary>Undoes the kernel's <c>\ooo</c> octal escapes of space, tab, newline and backslash.</summary>
    internal static string Unescape(ReadOnlySpan<char> field)
    {
        if (field.IndexOf('\\') < 0)
        {
            return field.ToString();
        }

        var result = new char[field.Length];
        var length = 0;
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                result[length++] = (char)(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) | (field[i + 3] - '0'));
                i += 3;
            }
            else
            {
                result[length++] = field[i];
            }
        }

        return new string(result, 0, length);
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
