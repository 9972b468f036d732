using System.Text;
using Containers.Images.Engine;

namespace Containers.Images.Tests.Engine;

/// <summary>The engine reads Docker's json-file log as the shim writes it, and follows it from any process.</summary>
public sealed class ContainerLogTests
{
    private const string First = "{\"log\":\"one\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-26T05:00:00.123456789Z\"}\n";
    private const string Second = "{\"log\":\"\\u0001\\ufffd\\u003cok\\u003e\\n\",\"stream\":\"stderr\",\"time\":\"2026-11-26T05:00:01.5Z\"}\n";
    private const string Third = "{\"log\":\"partial\",\"stream\":\"stdout\",\"time\":\"2026-11-26T05:00:02.000000001Z\"}\n";

    private string _dir = null!;
    private string _path = null!;

    [SetUp]
    public void MakeDirectory()
    {
        _dir = Directory.CreateTempSubdirectory("container-log-").FullName;
        _path = Path.Combine(_dir, "log.jsonl");
    }

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Read_DockersJsonFileLines_GivesTextStreamAndNanosecondTime()
    {
        await File.WriteAllTextAsync(_path, First + Second + Third);

        var entries = await ReadAllAsync(follow: false, Task.CompletedTask);

        Assert.Multiple(() =>
        {
            Assert.That(entries.Select(e => e.Text), Is.EqualTo(new[] { "one\n", "\u0001\uFFFD<ok>\n", "partial" }));
            Assert.That(entries.Select(e => e.Source), Is.EqualTo(new[] { LogSource.Stdout, LogSource.Stderr, LogSource.Stdout }));
            Assert.That(entries[0].Timestamp, Is.EqualTo(new DateTimeOffset(2026, 11, 26, 5, 0, 0, TimeSpan.Zero).AddTicks(1_234_567)));
            Assert.That(entries[1].Timestamp, Is.EqualTo(new DateTimeOffset(2026, 11, 26, 5, 0, 1, 500, TimeSpan.Zero)));
        });
    }

    [Test]
    public async Task Read_WithoutAFile_GivesNothing()
    {
        var entries = await ReadAllAsync(follow: true, Task.CompletedTask);
        Assert.That(entries, Is.Empty);
    }

    [Test]
    public async Task Follow_DeliversLinesAsTheyAreAppended_AndEndsOnceExitedAndReadToTheEnd()
    {
        await File.WriteAllTextAsync(_path, First);
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<string>();
        await using var entries = ContainerLog.ReadAsync(_path, follow: true, exited.Task, timeout.Token).GetAsyncEnumerator(timeout.Token);

        Assert.That(await entries.MoveNextAsync(), Is.True);
        seen.Add(entries.Current.Text);

        // Half an entry, as a reader may catch the shim mid-write: it waits for the rest.
        await AppendAsync(Second[..20]);
        var next = entries.MoveNextAsync().AsTask();
        await AppendAsync(Second[20..]);
        Assert.That(await next, Is.True);
        seen.Add(entries.Current.Text);

        // The shim reports the exit after its last write; the follower still delivers that write.
        await AppendAsync(Third);
        exited.SetResult();
        while (await entries.MoveNextAsync())
        {
            seen.Add(entries.Current.Text);
        }

        Assert.That(seen, Is.EqualTo(new[] { "one\n", "\u0001\uFFFD<ok>\n", "partial" }));
    }

    [Test]
    public void Follow_UntilCancelled_EndsWithCancellation()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.That(async () => await ReadAllAsync(follow: true, new TaskCompletionSource().Task, cancel.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    private async Task AppendAsync(string text)
    {
        await using var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        await file.WriteAsync(Encoding.UTF8.GetBytes(text));
    }

    private async Task<List<LogEntry>> ReadAllAsync(bool follow, Task exited, CancellationToken cancellationToken = default)
    {
        var entries = new List<LogEntry>();
        await foreach (var entry in ContainerLog.ReadAsync(_path, follow, exited, cancellationToken))
        {
            entries.Add(entry);
        }

        return entries;
    }
}
