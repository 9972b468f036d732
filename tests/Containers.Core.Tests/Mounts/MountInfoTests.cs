using Containers.Errors;
using Containers.Mounts;

namespace Containers.Core.Tests.Mounts;

public sealed class MountInfoTests
{
    private const string Sample =
        "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n"
        + "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:4 master:7 - cgroup2 cgroup2 rw,nsdelegate\n"
        + "50 27 0:45 /dir\\040with\\040spaces /mnt/a\\011tab\\134slash rw - tmpfs my\\040source rw\n"
        + "\n";

    [Test]
    public void Parse_KernelLine_ReadsEveryField()
    {
        var entry = MountInfo.Parse(Sample)[0];

        Assert.Multiple(() =>
        {
            Assert.That(entry.MountId, Is.EqualTo(36));
            Assert.That(entry.ParentId, Is.EqualTo(35));
            Assert.That(entry.Major, Is.EqualTo(98u));
            Assert.That(entry.Minor, Is.EqualTo(0u));
            Assert.That(entry.Root, Is.EqualTo("/mnt1"));
            Assert.That(entry.MountPoint, Is.EqualTo("/mnt2"));
            Assert.That(entry.MountOptions, Is.EqualTo(new[] { "rw", "noatime" }));
            Assert.That(entry.OptionalFields, Is.EqualTo(new[] { "master:1" }));
            Assert.That(entry.FsType, Is.EqualTo("ext3"));
            Assert.That(entry.Source, Is.EqualTo("/dev/root"));
            Assert.That(entry.SuperOptions, Is.EqualTo(new[] { "rw", "errors=continue" }));
        });
    }

    [Test]
    public void Parse_SeveralOptionalFields_KeepsThemAllAndSkipsBlankLines()
    {
        var entries = MountInfo.Parse(Sample);

        Assert.That(entries, Has.Count.EqualTo(3));
        Assert.That(entries[1].OptionalFields, Is.EqualTo(new[] { "shared:4", "master:7" }));
        Assert.That(entries[1].FsType, Is.EqualTo("cgroup2"));
    }

    [Test]
    public void Parse_OctalEscapes_AreUndoneInRootMountPointAndSource()
    {
        var entry = MountInfo.Parse(Sample)[2];

        Assert.That(entry.Root, Is.EqualTo("/dir with spaces"));
        Assert.That(entry.MountPoint, Is.EqualTo("/mnt/a\ttab\\slash"));
        Assert.That(entry.Source, Is.EqualTo("my source"));
        Assert.That(entry.OptionalFields, Is.Empty);
    }

    [Test]
    public void Parse_LineWithoutSeparator_FailsNamingTheLine()
    {
        var error = Assert.Throws<InvalidArgumentException>(() => MountInfo.Parse("36 35 98:0 / /mnt rw shared:1 ext3 /dev/root rw"));

        Assert.That(error!.Message, Does.Contain("line 1").And.Contain("separator"));
    }

    [Test]
    public void Parse_NonNumericId_Fails()
    {
        Assert.Throws<InvalidArgumentException>(() => MountInfo.Parse("x 35 98:0 / /mnt rw - ext3 /dev/root rw"));
    }

    [Test]
    public void ReadSelf_OnThisHost_FindsTheRootMount()
    {
        var mounts = MountInfo.ReadSelf();

        Assert.That(mounts, Has.Some.Matches<MountInfoEntry>(m => m.MountPoint == "/"));

        // Other test processes mount and unmount meanwhile: compare a read by pid with the reads
        // of self around it, once the table held still between them.
        for (var attempt = 0; ; attempt++)
        {
            var before = MountInfo.ReadSelf().Select(m => m.MountId).ToArray();
            var byPid = MountInfo.Read(Environment.ProcessId).Select(m => m.MountId).ToArray();
            var after = MountInfo.ReadSelf().Select(m => m.MountId).ToArray();
            if (before.SequenceEqual(after) || attempt == 50)
            {
                Assert.That(byPid, Is.EqualTo(before));
                return;
            }
        }
    }

    [Test]
    public void Read_ProcessThatDoesNotExist_IsNotFound()
    {
        Assert.Throws<NotFoundException>(() => MountInfo.Read(int.MaxValue));
    }

    [Test]
    public void Mount_IsPlainDataWithValueEquality()
    {
        var a = new Mount("overlay", "overlay", "/rootfs", ["lowerdir=/a", "upperdir=/b"]);
        var b = a with { Target = "/other" };

        Assert.That(b.Target, Is.EqualTo("/other"));
        Assert.That(b.Options, Is.SameAs(a.Options));
        Assert.That(a with { }, Is.EqualTo(a));
    }
}
