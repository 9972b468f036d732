using Containers.Orchestration.Controllers.Batch;

namespace Containers.Orchestration.Tests.Controllers.Batch;

public sealed class CronScheduleTests
{
    private static readonly DateTimeOffset Wednesday = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [TestCase("*/15 * * * *", "2025-01-01T00:15:00Z")]
    [TestCase("30 6-16/4 * * 1-5", "2025-01-01T06:30:00Z")]
    [TestCase("0 0 * * MON", "2025-01-06T00:00:00Z")]
    [TestCase("0 0 1 jan,jul ?", "2025-07-01T00:00:00Z")]
    [TestCase("@hourly", "2025-01-01T01:00:00Z")]
    [TestCase("@daily", "2025-01-02T00:00:00Z")]
    [TestCase("@midnight", "2025-01-02T00:00:00Z")]
    [TestCase("@weekly", "2025-01-05T00:00:00Z")]
    [TestCase("@monthly", "2025-02-01T00:00:00Z")]
    [TestCase("@yearly", "2026-01-01T00:00:00Z")]
    [TestCase("@annually", "2026-01-01T00:00:00Z")]
    [TestCase("@every 1h30m", "2025-01-01T01:30:00Z")]
    [TestCase("TZ=Asia/Tokyo 0 9 * * *", "2025-01-02T00:00:00Z")]
    [TestCase("CRON_TZ=Asia/Tokyo 0 9 * * *", "2025-01-02T00:00:00Z")]
    public void Next_IsTheFirstTimeAfter(string schedule, string expected)
    {
        var parsed = CronSchedule.Parse(schedule, null, TimeZoneInfo.Utc);
        Assert.That(parsed.Next(Wednesday), Is.EqualTo(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void BothDayFieldsRestricted_FireOnEitherDay_AsCronDoes()
    {
        // Friday the 13th in cron means every Friday and every 13th.
        var schedule = CronSchedule.Parse("0 0 13 * 5", null, TimeZoneInfo.Utc);
        var fires = new List<DateTimeOffset>();
        for (var t = schedule.Next(Wednesday); fires.Count < 4; t = schedule.Next(t!.Value))
        {
            fires.Add(t!.Value);
        }

        Assert.That(fires.Select(f => f.Day), Is.EqualTo(new[] { 3, 10, 13, 17 }));
    }

    [Test]
    public void TimeZone_AppliesToTheFields()
    {
        var berlin = CronSchedule.Parse("0 12 * * *", "Europe/Berlin", TimeZoneInfo.Utc);
        Assert.That(berlin.Next(Wednesday), Is.EqualTo(new DateTimeOffset(2025, 1, 1, 11, 0, 0, TimeSpan.Zero)), "noon in Berlin is 11:00 UTC in winter");
        var summer = new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.That(berlin.Next(summer), Is.EqualTo(new DateTimeOffset(2025, 7, 1, 10, 0, 0, TimeSpan.Zero)), "and 10:00 UTC in summer");
    }

    [TestCase("* * * *", "4 fields")]
    [TestCase("0 * * * * *", "6 fields")]
    [TestCase("0 0 L * *", "day of month")]
    [TestCase("0 0 * * 5#2", "day of week")]
    [TestCase("0 0 * * 7", "out of range")]
    [TestCase("61 * * * *", "not valid")]
    [TestCase("0 0 30 2 *", "never fires")]
    [TestCase("@every_minute", "unknown macro")]
    [TestCase("@every soon", "duration")]
    [TestCase("", "empty")]
    [TestCase("TZ=Nowhere/Special * * * * *", "Nowhere/Special")]
    public void Invalid_SaysWhatIsWrong(string schedule, string expected)
    {
        Assert.That(CronSchedule.TryParse(schedule, null, TimeZoneInfo.Utc, out var parsed, out var error), Is.False);
        Assert.That(parsed, Is.Null);
        Assert.That(error, Does.Contain(expected));
    }

    [Test]
    public void UnknownTimeZone_IsAnError()
    {
        Assert.That(CronSchedule.TryParse("* * * * *", "Mars/Olympus_Mons", TimeZoneInfo.Utc, out _, out var error), Is.False);
        Assert.That(error, Does.Contain("Mars/Olympus_Mons").And.Contain("IANA"));
        Assert.That(() => CronSchedule.Parse("* * * * *", "../etc/passwd", TimeZoneInfo.Utc), Throws.InstanceOf<Containers.Errors.InvalidArgumentException>());
    }
}
