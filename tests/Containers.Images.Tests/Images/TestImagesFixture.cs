namespace Containers.Images.Tests;

/// <summary>
/// Gives each test a fresh <see cref="TestImages"/> and fails the test if its temporary directory
/// outlives it.
/// </summary>
public abstract class TestImagesFixture
{
    private protected TestImages Images { get; private set; } = null!;

    [SetUp]
    public void CreateTestImages() => Images = new TestImages();

    [TearDown]
    public void RemoveTestImages()
    {
        Images.Dispose();
        Assert.That(Directory.Exists(Images.Root), Is.False, "the test's temporary directory is removed");
    }
}
