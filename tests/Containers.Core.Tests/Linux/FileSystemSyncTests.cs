using Containers.Errors;
using Containers.Linux;

namespace Containers.Core.Tests.Linux;

public sealed class FileSystemSyncTests
{
    [Test]
    public void SyncDirectory_ExistingDirectory_Succeeds()
    {
        var directory = Directory.CreateTempSubdirectory("fsync-");
        try
        {
            Assert.DoesNotThrow(() => FileSystemSync.SyncDirectory(directory.FullName));
        }
        finally
        {
            directory.Delete();
        }
    }

    [Test]
    public void SyncDirectory_MissingDirectory_ThrowsNotFoundNamingThePath()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}");

        var error = Assert.Throws<NotFoundException>(() => FileSystemSync.SyncDirectory(missing));

        Assert.That(error!.Message, Does.Contain(missing).And.Contain("errno 2"));
    }

    [Test]
    public void SyncDirectory_RegularFile_FailsBecauseItIsNotADirectory()
    {
        var file = Path.GetTempFileName();
        try
        {
            var error = Assert.Catch<Exception>(() => FileSystemSync.SyncDirectory(file));

            Assert.That(error!.Message, Does.Contain(file));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
