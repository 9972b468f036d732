using Containers.Images.Engine;

namespace Containers.Images.Tests.Engine;

/// <summary>Files read and made inside a rootfs stay inside it, whatever its symlinks say.</summary>
public sealed class RootfsFilesTests
{
    private string _dir = null!;

    private string Rootfs => Path.Combine(_dir, "rootfs");

    private string Outside => Path.Combine(_dir, "outside");

    [SetUp]
    public void MakeRootfs()
    {
        _dir = Directory.CreateTempSubdirectory("rootfs-files-").FullName;
        Directory.CreateDirectory(Path.Combine(Rootfs, "etc"));
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Outside, "passwd"), "intruder:x:0:0::/:/bin/sh\n");
    }

    [TearDown]
    public void RemoveRootfs() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void ReadText_OfARegularFile_IsItsText()
    {
        File.WriteAllText(Path.Combine(Rootfs, "etc", "passwd"), "root:x:0:0::/root:/bin/sh\n");

        Assert.That(RootfsFiles.ReadText(Rootfs, "/etc/passwd"), Is.EqualTo("root:x:0:0::/root:/bin/sh\n"));
    }

    [Test]
    public void ReadText_OfAMissingFile_IsNull() =>
        Assert.That(RootfsFiles.ReadText(Rootfs, "/etc/group"), Is.Null);

    [Test]
    public void ReadText_ThroughARelativeSymlinkClimbingOut_StaysInTheRootfs()
    {
        File.CreateSymbolicLink(Path.Combine(Rootfs, "etc", "passwd"), "../../outside/passwd");

        Assert.That(RootfsFiles.ReadText(Rootfs, "/etc/passwd"), Is.Null, "\"..\" stops at the rootfs, where there is no outside/passwd");
    }

    [Test]
    public void ReadText_ThroughAnAbsoluteSymlink_ResolvesItInTheRootfs()
    {
        File.CreateSymbolicLink(Path.Combine(Rootfs, "etc", "passwd"), Path.Combine(Outside, "passwd"));
        var inRoot = Path.Combine(Rootfs + Outside);
        Directory.CreateDirectory(inRoot);
        File.WriteAllText(Path.Combine(inRoot, "passwd"), "inside:x:5:5::/:/bin/sh\n");

        Assert.That(RootfsFiles.ReadText(Rootfs, "/etc/passwd"), Is.EqualTo("inside:x:5:5::/:/bin/sh\n"));
    }

    [Test]
    public void EnsureDirectory_MakesTheMissingParentsInsideTheRootfs()
    {
        RootfsFiles.EnsureDirectory(Rootfs, "/srv/app/data");

        Assert.That(Directory.Exists(Path.Combine(Rootfs, "srv", "app", "data")), Is.True);
    }

    [Test]
    public void EnsureDirectory_ThroughASymlinkPointingOut_MakesNothingOutside()
    {
        File.CreateSymbolicLink(Path.Combine(Rootfs, "work"), "../outside");

        try
        {
            RootfsFiles.EnsureDirectory(Rootfs, "/work/sub");
        }
        catch (Errors.ContainersException)
        {
            // Refusing is fine too; escaping is not.
        }

        Assert.That(Directory.Exists(Path.Combine(Outside, "sub")), Is.False);
    }

    [Test]
    public void EnsureDirectory_ThroughDanglingSymlinks_MakesTheirTargetsInsideTheRootfs()
    {
        var missing = Path.Combine(Outside, "missing");
        File.CreateSymbolicLink(Path.Combine(Rootfs, "absolute"), missing);
        File.CreateSymbolicLink(Path.Combine(Rootfs, "etc", "relative"), "../../../../target");

        RootfsFiles.EnsureDirectory(Rootfs, "/absolute/sub");
        RootfsFiles.EnsureDirectory(Rootfs, "/etc/relative/sub");

        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(Path.Combine(Rootfs + missing, "sub")), Is.True, "the absolute link's target, taken inside the rootfs");
            Assert.That(Directory.Exists(Path.Combine(Rootfs, "target", "sub")), Is.True, "\"..\" stopped at the rootfs");
            Assert.That(Directory.Exists(missing), Is.False);
            Assert.That(Directory.Exists(Path.Combine(_dir, "target")), Is.False);
        });
    }

    [Test]
    public void EnsureDirectory_ThroughASymlinkLoop_IsRefused()
    {
        File.CreateSymbolicLink(Path.Combine(Rootfs, "a"), "/b");
        File.CreateSymbolicLink(Path.Combine(Rootfs, "b"), "/a");

        Assert.That(() => RootfsFiles.EnsureDirectory(Rootfs, "/a/sub"), Throws.InstanceOf<Errors.InvalidArgumentException>().With.Message.Contains("/a/sub"));
    }

    [Test]
    public void EnsureFile_MakesAnEmptyFileAndItsParentsAndLeavesAnExistingOneAlone()
    {
        File.WriteAllText(Path.Combine(Rootfs, "etc", "hosts"), "kept\n");

        RootfsFiles.EnsureFile(Rootfs, "/etc/hosts");
        RootfsFiles.EnsureFile(Rootfs, "/run/new/hostname");

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(Path.Combine(Rootfs, "etc", "hosts")), Is.EqualTo("kept\n"));
            Assert.That(new FileInfo(Path.Combine(Rootfs, "run", "new", "hostname")).Length, Is.Zero);
        });
    }

    [Test]
    public void EnsureFile_ThroughADanglingSymlinkPointingOut_MakesTheFileInsideTheRootfs()
    {
        File.CreateSymbolicLink(Path.Combine(Rootfs, "etc", "resolv.conf"), "../../outside/resolv.conf");
        Directory.CreateDirectory(Path.Combine(Rootfs, "outside"));

        RootfsFiles.EnsureFile(Rootfs, "/etc/resolv.conf");

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(Path.Combine(Outside, "resolv.conf")), Is.False, "nothing made outside");
            Assert.That(File.Exists(Path.Combine(Rootfs, "outside", "resolv.conf")), Is.True, "\"..\" stops at the rootfs, so the link's target is /outside/resolv.conf in it");
        });
    }
}
