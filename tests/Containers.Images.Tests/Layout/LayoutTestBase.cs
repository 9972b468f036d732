namespace Containers.Images.Tests.Layout;

/// <summary>
/// A private temporary directory per test. Tear-down fails the test if an extraction left a
/// staging directory behind, then removes everything.
/// </summary>
public abstract class LayoutTestBase
{
    protected string Root { get; private set; } = string.Empty;

    [SetUp]
    public void CreateRoot()
    {
        // Each test owns one temp directory and removes it whole; no shared parent is left behind.
        Root = Directory.CreateTempSubdirectory($"containers-layout-{GetType().Name}-").FullName;
    }

    [TearDown]
    public void RemoveRoot()
    {
        try
        {
            var leftovers = Directory.EnumerateFileSystemEntries(Root, "*.partial", SearchOption.AllDirectories)
                .Concat(Directory.EnumerateFileSystemEntries(Root, "*.tmp", SearchOption.AllDirectories))
                .ToList();
            Assert.That(leftovers, Is.Empty, "an extraction or write left staging files behind");
        }
        finally
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    /// <summary>A path under the test's directory (not created).</summary>
    protected string PathFor(string name) => Path.Combine(Root, name);

    /// <summary>A new directory under the test's directory.</summary>
    protected string NewDirectory(string name) => Directory.CreateDirectory(PathFor(name)).FullName;
}
