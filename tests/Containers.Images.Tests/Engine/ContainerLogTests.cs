using System.Text;
using System.Text.Json;
using Containers.Images.Engine;
using Microsoft.Extensions.Time.Testing;

namespace Containers.Images.Tests.Engine;

/// <summary>The engine's log is Docker's json-file format, line by line.</summary>
public sealed class ContainerLogTests
{
    private string _dir = null!;

    [SetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("container-log-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Pump_WritesOneJsonFileEntryPerLineWithStreamAndTime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var path = Path.Combine(_dir, "log.jsonl");
        await using (var log = ContainerLog.Open(path, time))
        {
            log.Pump(new MemoryStream("one\ntwo\npartial"u8.ToArray()), new MemoryStream("oops\n"u8.ToArray()));
            await log.Completed;
        }

        var lines = await File.ReadAllLinesAsync(path);
        var stdout = lines.Select(line => JsonDocument.Parse(line).RootElement).Where(e => e.GetProperty("stream").GetString() == "stdout").Select(e => e.GetProperty("log").GetString()).ToArray();
        var first = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.Length.EqualTo(4));
            Assert.That(stdout, Is.EqualTo(new[] { "one\n", "two\n", "partial" }));
            Assert.That(lines, Has.One.EqualTo("{\"log\":\"oops\\n\",\"stream\":\"stderr\",\"time\":\"2026-01-02T03:04:05+00:00\"}"));
            Assert.That(first.GetProperty("time").GetDateTimeOffset(), Is.EqualTo(time.GetUtcNow()));
        });
    }

    [Test]
    public async Task Pump_ALineLongerThan16KiB_IsSplitIntoPiecesAsDockerDoes()
    {
        var path = Path.Combine(_dir, "log.jsonl");
        var text = new string('x', 40 * 1024) + "\n";
        await using (var log = ContainerLog.Open(path, TimeProvider.System))
        {
            log.Pump(new MemoryStream(Encoding.UTF8.GetBytes(text)), null);
            await log.Completed;
        }

        var entries = new List<LogEntry>();
        await foreach (var entry in ContainerLog.ReadAsync(path, live: null, follow: false))
        {
            entries.Add(entry);
        }

        Assert.Multiple(() =>
        {
            Assert.That(entries.Select(e => e.Text.Length), Is.EqualTo(new[] { 16 * 1024, 16 * 1024, 8 * 1024 + 1 }));
            Assert.That(string.Concat(entries.Select(e => e.Text)), Is.EqualTo(text));
        });
    }
}
