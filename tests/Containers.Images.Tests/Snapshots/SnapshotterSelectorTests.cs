using Containers.Images.Snapshots;

namespace Containers.Images.Tests.Snapshots;

public sealed class SnapshotterSelectorTests
{
    [Test]
    public void Select_OnARootOfItsOwn_ProbesThereAndLeavesNoProbeBehind()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore("needs root: the probe mounts an overlay");
        }

        var root = Directory.CreateTempSubdirectory("selector-").FullName;
        try
        {
            var snapshotter = SnapshotterSelector.Select(new SnapshotterOptions { Root = root });

            Assert.Multiple(() =>
            {
                Assert.That(snapshotter.Name, Is.EqualTo("overlay"), "overlay mounts on this host's temp filesystem");
                Assert.That(Directory.GetDirectories(root, ".probe-*"), Is.Empty, "the probe's scratch directory is removed");
            });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
