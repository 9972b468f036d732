using System.Text;
using Containers.Linux;
using Microsoft.Win32.SafeHandles;

namespace Containers.Core.Tests.Linux;

/// <summary>Gives each test its own temporary directory, open as <see cref="RootHandle"/>, and checks that it is gone afterwards.</summary>
public abstract class TempRootTest
{
    protected string Root { get; private set; } = null!;

    protected SafeFileHandle RootHandle { get; private set; } = null!;

    [SetUp]
    public void CreateRoot()
    {
        Root = Directory.CreateTempSubdirectory("posixfs-").FullName;
        RootHandle = PosixFs.OpenDirectory(Root);
    }

    [TearDown]
    public void DeleteRoot()
    {
        RootHandle.Dispose();
        Directory.Delete(Root, recursive: true);
        Assert.That(Directory.Exists(Root), Is.False, $"test left {Root} behind");
    }

    protected string PathOf(string name) => Path.Combine(Root, name);

    protected static void RequireRoot(string why)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore($"needs root: {why}");
        }
    }

    protected static string ReadAll(SafeFileHandle file)
    {
        var bytes = new byte[RandomAccess.GetLength(file)];
        var read = RandomAccess.Read(file, bytes, 0);
        return Encoding.UTF8.GetString(bytes, 0, read);
    }
}
