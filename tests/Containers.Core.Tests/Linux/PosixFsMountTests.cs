using Containers.Errors;
using Containers.Linux;

namespace Containers.Core.Tests.Linux;

public sealed class PosixFsMountTests : TempRootTest
{
    [Test]
    public void Mount_Tmpfs_IsUsableUntilUnmounted()
    {
        RequireRoot("mount needs CAP_SYS_ADMIN");
        var target = PathOf("mnt");
        Directory.CreateDirectory(target);
        var before = PosixFs.StatAt(null, target);

        try
        {
            PosixFs.Mount("tmpfs", target, "tmpfs", LibC.MS_NOSUID | LibC.MS_NODEV, "size=1m,mode=0755");
            File.WriteAllText(Path.Combine(target, "inside"), "x");
            var mounted = PosixFs.StatAt(null, target);

            PosixFs.Unmount(target);

            Assert.That(mounted.Device, Is.Not.EqualTo(before.Device));
            Assert.That(File.ReadLines("/proc/self/mountinfo").Any(line => line.Contains($" {target} ", StringComparison.Ordinal)), Is.False);
            Assert.That(File.Exists(Path.Combine(target, "inside")), Is.False);
        }
        finally
        {
            if (PosixFs.StatAt(null, target).Device != before.Device)
            {
                PosixFs.Unmount(target, LibC.MNT_DETACH);
            }
        }
    }

    [Test]
    public void Unmount_NotAMountPoint_ThrowsInvalidArgument()
    {
        RequireRoot("umount2 needs CAP_SYS_ADMIN");

        var error = Assert.Throws<InvalidArgumentException>(() => PosixFs.Unmount(Root));

        Assert.That(error!.Message, Does.StartWith($"umount2 \"{Root}\":"));
    }
}
