using Containers.Linux;

namespace Containers.Images.Tests.Layers;

/// <summary>Builds a tree with every kind of entry a layer must carry.</summary>
internal static class TestTrees
{
    public static readonly byte[] Capability = [0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

    public static string CreateRich(string path)
    {
        var root = Directory.CreateDirectory(path).FullName;
        Directory.CreateDirectory(Path.Combine(root, "usr/bin"));
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        var deep = Path.Combine(root, new string('d', 120), new string('e', 120));
        Directory.CreateDirectory(deep);
        File.WriteAllText(Path.Combine(deep, new string('f', 200)), "deep");
        File.WriteAllText(Path.Combine(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        var tool = Path.Combine(root, "usr/bin/tool");
        File.WriteAllBytes(tool, Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray());
        File.SetUnixFileMode(tool, (UnixFileMode)0x1ed);
        var setuid = Path.Combine(root, "usr/bin/su");
        File.WriteAllText(setuid, "su");
        File.CreateSymbolicLink(Path.Combine(root, "usr/bin/sh"), "/usr/bin/tool");
        File.CreateSymbolicLink(Path.Combine(root, "relative"), "usr/bin/../bin/tool");
        File.WriteAllText(Path.Combine(root, "ünïcødé name"), "utf8");
        File.WriteAllText(Path.Combine(root, "empty-file"), string.Empty);
        PosixFs.LinkAt(null, tool, null, Path.Combine(root, "usr/bin/tool-hardlink"));
        PosixFs.MakeNodeAt(null, Path.Combine(root, "fifo"), FileKind.Fifo, (UnixFileMode)0x1a4);
        SetXattrIfSupported(Path.Combine(root, "etc/passwd"), "user.comment", [0x00, 0xff, 0x80, 0x0a]);
        if (Environment.IsPrivilegedProcess)
        {
            PosixFs.MakeNodeAt(null, Path.Combine(root, "null"), FileKind.CharDevice, (UnixFileMode)0x1b6, 1, 3);
            PosixFs.ChangeOwnerAt(null, Path.Combine(root, "etc/passwd"), 1000, 4_000_000);
            PosixFs.ChangeOwnerAt(null, Path.Combine(root, "usr/bin/sh"), 33, 33);
            PosixFs.SetXattr(tool, "security.capability", Capability);
        }

        // chown clears setuid, so the mode comes last.
        File.SetUnixFileMode(setuid, (UnixFileMode)0x9ed);
        File.SetUnixFileMode(Path.Combine(root, "empty"), (UnixFileMode)0x3c0);
        var stamp = new DateTime(2023, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567);
        foreach (var entry in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Append(root).OrderByDescending(p => p.Length))
        {
            var status = PosixFs.StatAt(null, entry);
            var seconds = new DateTimeOffset(stamp).ToUnixTimeSeconds() + (entry.Length % 97);
            PosixFs.SetTimesAt(null, entry, (seconds, 123_456_789), (seconds, (uint)(entry.Length * 1000) % 1_000_000_000));
            _ = status;
        }

        return root;
    }

    private static void SetXattrIfSupported(string path, string name, byte[] value)
    {
        try
        {
            PosixFs.SetXattr(path, name, value);
        }
        catch (Exception e) when (Errno.Of(e) == Errno.EOPNOTSUPP)
        {
        }
    }
}
