using System.Diagnostics;
using Containers.Linux;
using Containers.Runtime.Shim;

namespace Containers.Core.Tests.Runtime.Shim;

/// <summary>Both ways the shim is run keep its host file out of a container's reach, and both run.</summary>
public sealed class ShimBinaryTests
{
    [Test]
    public void SealedMemfd_RefusesWrites_AndRuns()
    {
        var fd = ShimBinary.CopyToSealedMemfd(ShimBinary.Locate());
        try
        {
            // F_SEAL_WRITE: the open may succeed, but no byte can be written.
            Assert.Throws(Is.InstanceOf<UnauthorizedAccessException>().Or.InstanceOf<IOException>(), () =>
            {
                using var handle = File.OpenHandle($"/proc/self/fd/{fd}", FileMode.Open, FileAccess.Write);
                RandomAccess.Write(handle, "x"u8, 0);
            });
            AssertRunsAsTheShim($"/proc/self/fd/{fd}");
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }

    [Test]
    public void ReadOnlyMount_RefusesWrites_AndRuns()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore("needs root: open_tree(OPEN_TREE_CLONE) needs CAP_SYS_ADMIN");
        }

        var fd = ShimBinary.TryReadOnlyMount(ShimBinary.Locate());
        Assert.That(fd, Is.GreaterThanOrEqualTo(0), "the kernel (5.12+) supports open_tree and mount_setattr");
        try
        {
            var error = Assert.Throws(Is.InstanceOf<IOException>(), () => File.OpenHandle($"/proc/self/fd/{fd}", FileMode.Open, FileAccess.Write).Dispose());
            Assert.That(error!.Message, Does.Contain("Read-only").IgnoreCase);
            AssertRunsAsTheShim($"/proc/self/fd/{fd}");
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }

    /// <summary>Started by hand, with no plan on fd 3, the shim says so and exits 2.</summary>
    private static void AssertRunsAsTheShim(string path)
    {
        using var process = Process.Start(new ProcessStartInfo(path) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That((process.ExitCode, error), Is.EqualTo((2, "containers-shim: no plan on fd 3; this program is started by the Containers.Core runtime\n")));
    }
}
