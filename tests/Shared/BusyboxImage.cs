using Containers.Cgroups;
using Containers.Images;
using Containers.Images.Layers;

namespace Containers.Testing;

/// <summary>
/// A small image built on this machine from busybox-static: <c>/bin/busybox</c> with its applets
/// as symlinks, <c>/etc/passwd</c> and <c>/etc/group</c> with root and nobody, and the usual empty
/// directories; its cmd is <c>sh -c "echo hello"</c> and it has no env at all (the engine must
/// supply PATH). Shared, as a linked file, by the test projects that run containers; disposing it
/// removes its files.
/// </summary>
internal sealed class BusyboxImage : IDisposable
{
    public const string BusyboxPath = "/bin/busybox";

    /// <summary>The applets the image has, each a symlink to busybox in <c>/bin</c>.</summary>
    public static readonly IReadOnlyList<string> Applets =
    [
        "sh", "echo", "cat", "id", "sleep", "test", "touch", "ls", "pwd", "env", "true", "false", "hostname", "stat", "ln", "mkdir",
        "nc", "ping", "wget", "httpd", "ip", "ifconfig", "grep", "seq", "tr", "head", "tail", "cut", "kill", "rm", "wc", "printf",
    ];

    private BusyboxImage(string directory, IImage image)
    {
        Directory = directory;
        Image = image;
    }

    /// <summary>The directory the tree (<c>tree/</c>) and the layer are in.</summary>
    public string Directory { get; }

    public IImage Image { get; }

    /// <summary>The image's one layer: an uncompressed tar of the tree, so also a rootfs tarball to import.</summary>
    public string LayerPath => Path.Combine(Directory, "layer.tar");

    /// <summary>Builds the image in a new temporary directory, or marks the fixture ignored where containers cannot run: not root, or no busybox-static.</summary>
    public static async Task<BusyboxImage> BuildOrIgnoreAsync()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore("needs root: containers need namespaces, cgroups and overlay mounts");
        }

        if (!File.Exists(BusyboxPath))
        {
            Assert.Ignore($"needs busybox-static at {BusyboxPath} (apt-get install busybox-static)");
        }

        var directory = System.IO.Directory.CreateTempSubdirectory("busybox-image-").FullName;
        var tree = Path.Combine(directory, "tree");
        System.IO.Directory.CreateDirectory(Path.Combine(tree, "bin"));
        foreach (var dir in new[] { "etc", "proc", "sys", "dev", "tmp", "root" })
        {
            System.IO.Directory.CreateDirectory(Path.Combine(tree, dir));
        }

        File.Copy(BusyboxPath, Path.Combine(tree, "bin", "busybox"));
        foreach (var applet in Applets)
        {
            File.CreateSymbolicLink(Path.Combine(tree, "bin", applet), "busybox");
        }

        await File.WriteAllTextAsync(Path.Combine(tree, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n");
        await File.WriteAllTextAsync(Path.Combine(tree, "etc", "group"), "root:x:0:\nnogroup:x:65534:\n");
        var layer = await TarballLayer.FromDirectoryAsync(tree, Path.Combine(directory, "layer.tar"), LayerCompression.None);
        return new BusyboxImage(directory, ImageOf(layer));
    }

    /// <summary>The image over its layer, as another process makes it again from <see cref="LayerPath"/>.</summary>
    public static IImage ImageOf(ILayer layer) => Mutate.SetCmd(Mutate.AppendLayers(Images.Image.Empty(), layer), "sh", "-c", "echo hello");

    /// <summary>Removes a cgroup parent the tests' containers were made under (relative: under this process's own cgroup), once they are all gone.</summary>
    public static async Task DeleteCgroupParentAsync(string parent)
    {
        if (Environment.IsPrivilegedProcess)
        {
            try
            {
                using var cgroup = Cgroup.Open(CgroupLayout.Current, CgroupPath.Parse(parent));
                await cgroup.DeleteAsync(TimeSpan.FromSeconds(5));
            }
            catch (Errors.NotFoundException)
            {
                // No test of the fixture ran a container under it.
            }
        }
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
