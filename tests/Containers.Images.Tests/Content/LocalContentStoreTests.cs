using System.Text;
using Containers.Errors;
using Containers.Images.Content;
using Containers.Images.Content.Local;

namespace Containers.Images.Tests.Content;

public sealed class LocalContentStoreTests
{
    private string _root = null!;
    private LocalContentStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("content-store-").FullName;
        _store = new LocalContentStore(_root);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task Commit_VerifiedBlob_IsPublishedReadOnlyUnderItsDigest()
    {
        var bytes = Encoding.UTF8.GetBytes("hello, blobs");

        var descriptor = await _store.WriteBlobAsync(MediaType.OciEmpty, bytes);

        var path = Path.Combine(_root, "blobs", "sha256", descriptor.Digest.Hex);
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(bytes));
            Assert.That(File.GetUnixFileMode(path) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite), Is.EqualTo((UnixFileMode)0));
            Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(_root, "ingest")), Is.Empty, "the ingest is cleaned up");
        });
    }

    [Test]
    public async Task Commit_WrongDigest_FailsAndPublishesNothing()
    {
        await using var writer = await _store.OpenWriterAsync();
        await writer.WriteAsync(Encoding.UTF8.GetBytes("actual"));
        var claimed = Digest.Compute(Encoding.UTF8.GetBytes("claimed"));

        var error = Assert.ThrowsAsync<DigestMismatchException>(async () => await writer.CommitAsync(6, claimed));

        Assert.Multiple(async () =>
        {
            Assert.That(error!.Message, Does.Contain(claimed.ToString()).And.Contain("nothing was committed"));
            Assert.That(await _store.ExistsAsync(claimed), Is.False);
            Assert.That(await _store.ExistsAsync(Digest.Compute(Encoding.UTF8.GetBytes("actual"))), Is.False);
        });
    }

    [Test]
    public async Task Commit_WrongSize_FailsNamingBothSizes()
    {
        await using var writer = await _store.OpenWriterAsync();
        await writer.WriteAsync(new byte[10]);

        var error = Assert.ThrowsAsync<DigestMismatchException>(async () => await writer.CommitAsync(11));

        Assert.That(error!.Message, Does.Contain("10 bytes").And.Contain("11"));
    }

    [Test]
    public async Task Dispose_WithoutCommit_LeavesNoIngestAndNoBlob()
    {
        var writer = await _store.OpenWriterAsync();
        await writer.WriteAsync(new byte[1000]);

        await writer.DisposeAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(_root, "ingest")), Is.Empty);
            Assert.That(await CountBlobsAsync(), Is.Zero);
        });
    }

    [Test]
    public async Task ConcurrentWriters_OfTheSameBlob_BothSucceedAndOneCopyRemains()
    {
        var bytes = new byte[3 << 20];
        Random.Shared.NextBytes(bytes);
        var expected = Digest.Compute(bytes);

        var writers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await using var writer = await _store.OpenWriterAsync();
            for (var offset = 0; offset < bytes.Length; offset += 64 << 10)
            {
                await writer.WriteAsync(bytes.AsMemory(offset, Math.Min(64 << 10, bytes.Length - offset)));
            }

            return await writer.CommitAsync(bytes.Length, expected);
        }));
        var digests = await Task.WhenAll(writers);

        Assert.Multiple(async () =>
        {
            Assert.That(digests, Is.All.EqualTo(expected));
            Assert.That(await CountBlobsAsync(), Is.EqualTo(1));
            Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(_root, "ingest")), Is.Empty);
        });
    }

    [Test]
    public async Task WriteBlob_ThatExists_CountsAsSuccess()
    {
        var bytes = Encoding.UTF8.GetBytes("twice");
        var first = await _store.WriteBlobAsync(MediaType.OciEmpty, bytes);

        await using var writer = await _store.OpenWriterAsync();
        await writer.WriteAsync(bytes);
        var second = await writer.CommitAsync(bytes.Length, first.Digest);

        Assert.That(second, Is.EqualTo(first.Digest));
    }

    [Test]
    public async Task Crash_BeforeCommit_LeavesNoVisibleBlob_AndTheIngestIsSweptLater()
    {
        // A writer that dies mid-write: its data stays in ingest/, never in blobs/.
        var writer = await _store.OpenWriterAsync();
        await writer.WriteAsync(new byte[4096]);
        var ingest = Directory.GetDirectories(Path.Combine(_root, "ingest")).Single();

        var blobs = await CountBlobsAsync();
        var info = new DirectoryInfo(ingest);
        foreach (var file in info.EnumerateFiles())
        {
            file.LastWriteTimeUtc = DateTime.UtcNow.AddHours(-2);
        }

        info.LastWriteTimeUtc = DateTime.UtcNow.AddHours(-2);
        var swept = _store.SweepStaleIngests();

        Assert.Multiple(() =>
        {
            Assert.That(blobs, Is.Zero);
            Assert.That(swept, Is.EqualTo(1));
            Assert.That(Directory.Exists(ingest), Is.False);
        });
        await writer.DisposeAsync();
    }

    [Test]
    public async Task Crash_AfterIngestFilesWereWritten_NeverShowsAPartialBlob()
    {
        // Simulate every point of a crashed commit by leaving the temp artefacts a writer makes.
        var bytes = Encoding.UTF8.GetBytes("complete");
        var digest = Digest.Compute(bytes);
        var ingest = Directory.CreateDirectory(Path.Combine(_root, "ingest", "deadbeef"));
        await File.WriteAllBytesAsync(Path.Combine(ingest.FullName, "data"), bytes[..3]);

        var reopened = new LocalContentStore(_root);

        Assert.Multiple(async () =>
        {
            Assert.That(await reopened.ExistsAsync(digest), Is.False);
            Assert.That(await CountBlobsAsync(), Is.Zero);
            Assert.ThrowsAsync<NotFoundException>(async () => await reopened.OpenReadAsync(digest));
        });
    }

    [Test]
    public async Task Read_BlobWhoseBytesChanged_FailsLoudly()
    {
        var descriptor = await _store.WriteBlobAsync(MediaType.OciEmpty, Encoding.UTF8.GetBytes("original content"));
        var path = _store.GetBlobPath(descriptor.Digest);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllBytesAsync(path, Encoding.UTF8.GetBytes("tampered content"));

        var error = Assert.ThrowsAsync<DigestMismatchException>(async () => await _store.ReadBlobAsync(descriptor, 1024));

        Assert.That(error!.Message, Does.Contain(descriptor.Digest.ToString()).And.Contain("corrupt"));
    }

    [Test]
    public async Task Read_TruncatedBlob_FailsOnSize()
    {
        var descriptor = await _store.WriteBlobAsync(MediaType.OciEmpty, new byte[100]);
        var path = _store.GetBlobPath(descriptor.Digest);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(50);
        }

        Assert.ThrowsAsync<DigestMismatchException>(async () =>
        {
            await using var stream = await _store.OpenReadAsync(descriptor.Digest, descriptor.Size);
            await stream.CopyToAsync(Stream.Null);
        });
    }

    [Test]
    public void Read_MissingBlob_ThrowsNotFoundNamingTheDigest()
    {
        var digest = Digest.Compute("nothing"u8);

        var error = Assert.ThrowsAsync<NotFoundException>(async () => await _store.OpenReadAsync(digest));

        Assert.That(error!.Message, Does.Contain(digest.ToString()));
    }

    [Test]
    public async Task WalkInfoAndDelete_SeeExactlyTheCommittedBlobs()
    {
        var a = await _store.WriteBlobAsync(MediaType.OciEmpty, "a"u8.ToArray());
        var b = await _store.WriteBlobAsync(MediaType.OciEmpty, "bb"u8.ToArray());
        File.WriteAllText(Path.Combine(_root, "blobs", "sha256", "not-a-digest"), "junk");

        var walked = new List<ContentInfo>();
        await foreach (var info in _store.WalkAsync())
        {
            walked.Add(info);
        }

        await _store.DeleteAsync(a.Digest);

        Assert.Multiple(async () =>
        {
            Assert.That(walked.Select(w => w.Digest), Is.EquivalentTo(new[] { a.Digest, b.Digest }));
            Assert.That((await _store.InfoAsync(b.Digest)).Size, Is.EqualTo(2));
            Assert.That(await _store.ExistsAsync(a.Digest), Is.False);
            Assert.ThrowsAsync<NotFoundException>(async () => await _store.DeleteAsync(a.Digest));
        });
    }

    [Test]
    public async Task WriteBlobFromStream_MoreBytesThanDeclared_StopsAndCommitsNothing()
    {
        var bytes = new byte[1000];
        var digest = Digest.Compute(bytes);

        Assert.ThrowsAsync<DigestMismatchException>(async () =>
            await _store.WriteBlobAsync(new MemoryStream(bytes), 500, digest));

        Assert.That(await _store.ExistsAsync(digest), Is.False);
    }

    private async Task<int> CountBlobsAsync()
    {
        var count = 0;
        await foreach (var _ in _store.WalkAsync())
        {
            count++;
        }

        return count;
    }
}
