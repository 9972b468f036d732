using Containers.Errors;
using Containers.Linux;

namespace Containers.Core.Tests.Linux;

public sealed class DirectoryLockTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("dirlock-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task Acquire_WhileHeld_WaitsUntilReleased()
    {
        var first = await DirectoryLock.AcquireAsync(_directory);
        var second = DirectoryLock.AcquireAsync(_directory).AsTask();
        await Task.Delay(100);
        var waitedWhileHeld = !second.IsCompleted;

        first.Dispose();
        using var acquired = await second.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(waitedWhileHeld, Is.True, "the second lock must not be granted while the first is held");
    }

    [Test]
    public async Task Acquire_Cancelled_WhileWaiting_Throws()
    {
        using var held = await DirectoryLock.AcquireAsync(_directory);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        Assert.CatchAsync<OperationCanceledException>(async () => await DirectoryLock.AcquireAsync(_directory, cancellation.Token));
    }

    [Test]
    public void Acquire_MissingDirectory_ThrowsNotFound()
    {
        var missing = Path.Combine(_directory, "absent");

        var error = Assert.ThrowsAsync<NotFoundException>(async () => await DirectoryLock.AcquireAsync(missing));

        Assert.That(error!.Message, Does.Contain(missing));
    }
}
