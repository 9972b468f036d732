using Containers.Linux;
using Containers.Mounts;
using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Builtin;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime.Builtin;

/// <summary>
/// What the shim removes besides the container when its owner dies: the owner's mounts and
/// directories, in trees the container could write, following no symlink and crossing no mount.
/// The owner here is a second runtime in this process; disposing it hangs up on the shim, as the
/// death of its process would.
/// </summary>
public sealed class BuiltinRuntimeOwnerCleanupTests : BuiltinRuntimeTest
{
    private string work = null!;
    private string owned = null!;
    private string sentinel = null!;

    [SetUp]
    public void MakeDirectories()
    {
        work = Directory.CreateTempSubdirectory("owner-cleanup-").FullName;
        owned = Directory.CreateDirectory(Path.Combine(work, "owned")).FullName;
        sentinel = Directory.CreateDirectory(Path.Combine(work, "sentinel")).FullName;
        File.WriteAllText(Path.Combine(sentinel, "keep"), "not the container's");
        Directory.CreateDirectory(Path.Combine(owned, "data"));
    }

    [TearDown]
    public void RemoveDirectories()
    {
        var left = MountInfo.ReadSelf().Select(m => m.MountPoint).Where(p => p.StartsWith(work + "/", StringComparison.Ordinal)).Reverse().ToArray();
        foreach (var mount in left)
        {
            PosixFs.Unmount(mount, LibC.MNT_DETACH);
        }

        Directory.Delete(work, recursive: true);
        Assert.That(left, Is.Empty, "a mount the test made outlived it");
    }

    [Test]
    public async Task OwnerGone_DetachesItsMountsAndRemovesItsTrees_FollowingNoSymlink()
    {
        var scratch = Path.Combine(owned, "scratch");
        Directory.CreateDirectory(scratch);
        PosixFs.Mount("tmpfs", scratch, "tmpfs", 0, "size=1m");
        File.WriteAllText(Path.Combine(scratch, "file"), "on the tmpfs");

        // The container fills the tree with what a hostile one would: links out of it (absolute
        // and relative, to the host's view of the paths), deep directories, unreadable ones.
        var (id, owner) = await StartOwnedAsync(
            new OwnerDeathCleanup { Unmount = [scratch], Remove = [owned] },
            $"ln -s {sentinel} /data/absolute; ln -s ../../sentinel /data/relative; ln -s {sentinel}/keep /data/file-link; "
            + "mkdir -p /data/a/b/c/d/e/f; touch /data/a/b/c/d/e/f/leaf; mkdir /data/locked; touch /data/locked/x; chmod 0 /data/locked; touch /data/ready; sleep 600");

        await owner.DisposeAsync();

        Assert.That(await GoneAsync(id, owned), Is.True, "the owner's tree outlived it");
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(Path.Combine(sentinel, "keep")), Is.EqualTo("not the container's"), "a symlink was followed");
            Assert.That(MountInfo.ReadSelf().Select(m => m.MountPoint), Does.Not.Contain(scratch));
        });
    }

    [Test]
    public async Task OwnerGone_ATreeWithAMountInside_KeepsTheMountAndWhatHoldsIt()
    {
        var other = Path.Combine(owned, "other");
        Directory.CreateDirectory(other);
        PosixFs.Mount(sentinel, other, null, LibC.MS_BIND);
        var (id, owner) = await StartOwnedAsync(new OwnerDeathCleanup { Remove = [owned] }, "touch /data/file; touch /data/ready; sleep 600");

        await owner.DisposeAsync();

        Assert.That(await GoneAsync(id, Path.Combine(owned, "data")), Is.True, "the rest of the tree outlived the owner");
        Assert.Multiple(() =>
        {
            Assert.That(Directory.GetFileSystemEntries(owned).Select(Path.GetFileName), Is.EqualTo(new[] { "other" }));
            Assert.That(File.Exists(Path.Combine(other, "keep")), Is.True, "the walk went through a mount point");
            Assert.That(File.Exists(Path.Combine(sentinel, "keep")), Is.True);
        });
        PosixFs.Unmount(other);
    }

    [Test]
    public async Task Delete_ByTheOwner_LeavesItsPathsToIt()
    {
        var (id, owner) = await StartOwnedAsync(new OwnerDeathCleanup { Remove = [owned] }, "touch /data/ready; sleep 600");
        await using (owner)
        {
            await owner.DeleteAsync(id, force: true);
        }

        Assert.That(File.Exists(Path.Combine(owned, "data", "ready")), Is.True);
    }

    /// <summary>Starts, through a runtime of its own, a container that writes in owned/data (its /data) until it is ready.</summary>
    private async Task<(string Id, BuiltinRuntime Owner)> StartOwnedAsync(OwnerDeathCleanup cleanup, string script)
    {
        var id = NewId();
        var data = Path.Combine(owned, "data");
        var bundle = MakeBundle(id, s => s with { Mounts = [.. s.Mounts!, new OciMount { Destination = "/data", Type = "bind", Source = data, Options = ["rbind", "rw"] }] }, "sh", "-c", script);
        var owner = new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = StateRoot });
        await using (await owner.CreateAsync(new ContainerCreateRequest(id, bundle.Path) { DieWithOwner = true, OwnerDeathCleanup = cleanup }))
        {
        }

        await owner.StartAsync(id);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(Path.Combine(data, "ready")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.That(File.Exists(Path.Combine(data, "ready")), Is.True, "the container did not get ready");
        return (id, owner);
    }

    /// <summary>Waits (boundedly) until the container's runtime state, which the shim removes last, and <paramref name="path"/> are gone.</summary>
    private async Task<bool> GoneAsync(string id, string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((Directory.Exists(Path.Combine(StateRoot, id)) || Path.Exists(path)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        return !Directory.Exists(Path.Combine(StateRoot, id)) && !Path.Exists(path);
    }
}
