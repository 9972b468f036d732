using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Batch;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Tests.Controllers.Testing;

namespace Containers.Orchestration.Tests.Controllers.Batch;

/// <summary>
/// The CronJob controller in virtual time, alone: no Job controller runs, so the tests finish Jobs
/// themselves as the Job controller would.
/// </summary>
public sealed class CronJobControllerTests
{
    private static readonly TimeSpan Delta = TimeSpan.FromMilliseconds(100);

    [Test]
    public async Task Allow_StartsEveryScheduledRun_WhileEarlierRunsAreStillActive()
    {
        await using var host = await Start();
        await host.Client.CreateAsync(BatchObjects.CronJob("report", "*/1 * * * *"));
        await host.SettleAsync();

        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.That(Jobs(host), Is.Empty, "the controller comes back 100 ms after the scheduled time");
        host.Time.Advance(Delta);
        await Eventually.Until(() => Jobs(host).Count == 1, "the 00:01 run");
        await host.SettleAsync();

        var first = Jobs(host)[0];
        var cronJob = await host.GetAsync<CronJob>("report");
        var minute = At(0, 1);
        Assert.Multiple(() =>
        {
            Assert.That(first.Name, Is.EqualTo($"report-{minute.ToUnixTimeSeconds() / 60}"));
            Assert.That(first.Metadata.ControllerReference?.Uid, Is.EqualTo(cronJob.Metadata.Uid));
            Assert.That(first.Metadata.Labels["app"], Is.EqualTo("report"));
            Assert.That(first.Metadata.Annotations[BatchLabels.CronJobScheduledTimestamp], Is.EqualTo("2025-01-01T00:01:00Z"));
            Assert.That(first.Spec.Template.Spec.Containers[0].Image, Is.EqualTo("busybox"));
            Assert.That(cronJob.Status.LastScheduleTime, Is.EqualTo(minute));
            Assert.That(cronJob.Status.Active.Select(a => a.Name), Is.EqualTo(new[] { first.Name }));
        });

        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        await Eventually.Until(() => Jobs(host).Count == 2, "the 00:02 run beside the active one");
        await host.SettleAsync();
        Assert.That((await host.GetAsync<CronJob>("report")).Status.Active, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Forbid_SkipsARunWhileOneIsActive_AndStartsItLateWhenTheActiveOneFinishes()
    {
        await using var host = await Start();
        await host.Client.CreateAsync(BatchObjects.CronJob("sync", "*/1 * * * *", ConcurrencyPolicy.Forbid));
        await host.AdvanceAsync(TimeSpan.FromMinutes(1) + Delta);
        await Eventually.Until(() => Jobs(host).Count == 1, "the 00:01 run");

        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.That(Jobs(host), Has.Count.EqualTo(1), "00:02 is skipped while 00:01 runs");
        Assert.That(host.Logs.Messages, Has.Some.Contains("JobAlreadyActive"));

        await host.AdvanceAsync(TimeSpan.FromSeconds(30));
        await Finish(host, Jobs(host)[0], succeeded: true);
        await Eventually.Until(() => Jobs(host).Count == 2, "the skipped 00:02 run, with no starting deadline, once 00:01 is done");
        await host.SettleAsync();
        Assert.That(Jobs(host)[1].Name, Is.EqualTo($"sync-{At(0, 2).ToUnixTimeSeconds() / 60}"));
        var status = (await host.GetAsync<CronJob>("sync")).Status;
        Assert.That(status.Active.Select(a => a.Name), Is.EqualTo(new[] { Jobs(host)[1].Name }));
        Assert.That(status.LastSuccessfulTime, Is.EqualTo(At(0, 2, 30)));
    }

    [Test]
    public async Task Forbid_WithAStartingDeadline_DropsTheSkippedRunOnceTooLate()
    {
        await using var host = await Start();
        var cronJob = BatchObjects.CronJob("sync", "*/1 * * * *", ConcurrencyPolicy.Forbid);
        await host.Client.CreateAsync(cronJob with { Spec = cronJob.Spec with { StartingDeadlineSeconds = 20 } });
        await host.AdvanceAsync(TimeSpan.FromMinutes(1) + Delta);
        await Eventually.Until(() => Jobs(host).Count == 1, "the 00:01 run");
        await host.AdvanceAsync(TimeSpan.FromMinutes(1));

        await host.AdvanceAsync(TimeSpan.FromSeconds(30));
        await Finish(host, Jobs(host)[0], succeeded: true);
        await host.SettleAsync();
        Assert.That(Jobs(host), Has.Count.EqualTo(1), "00:02 is 30 s late, past its 20 s deadline");

        await host.AdvanceAsync(TimeSpan.FromSeconds(30));
        await Eventually.Until(() => Jobs(host).Count == 2, "the 00:03 run");
        Assert.That(Jobs(host)[1].Name, Is.EqualTo($"sync-{At(0, 3).ToUnixTimeSeconds() / 60}"));
    }

    [Test]
    public async Task Replace_DeletesTheActiveRun_AndStartsTheNewOne()
    {
        await using var host = await Start();
        await host.Client.CreateAsync(BatchObjects.CronJob("rebuild", "*/1 * * * *", ConcurrencyPolicy.Replace));
        await host.AdvanceAsync(TimeSpan.FromMinutes(1) + Delta);
        await Eventually.Until(() => Jobs(host).Count == 1, "the 00:01 run");
        var first = Jobs(host)[0];

        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        await Eventually.Until(() => Jobs(host).Count == 1 && Jobs(host)[0].Name != first.Name, "the 00:02 run in place of 00:01");
        await host.SettleAsync();
        var delete = host.Client.Deletes.Single(d => d.Kind == "Job");
        Assert.That(delete.Name.Name, Is.EqualTo(first.Name));
        Assert.That(delete.Options?.PropagationPolicy, Is.EqualTo(PropagationPolicy.Background));
        Assert.That((await host.GetAsync<CronJob>("rebuild")).Status.Active.Select(a => a.Name), Is.EqualTo(new[] { Jobs(host)[0].Name }));
    }

    [Test]
    public async Task StartingDeadlineSeconds_SkipsAMissedRunOlderThanTheDeadline_WhereNoDeadlineStartsIt()
    {
        await using var host = await Start();
        foreach (var (name, deadline) in new[] { ("strict", (long?)30), ("lenient", null) })
        {
            var cronJob = BatchObjects.CronJob(name, "*/1 * * * *");
            await host.Client.CreateAsync(cronJob with { Spec = cronJob.Spec with { Suspend = true, StartingDeadlineSeconds = deadline } });
        }

        await host.AdvanceAsync(new TimeSpan(0, 5, 45));
        Assert.That(Jobs(host), Is.Empty, "suspended CronJobs start nothing");
        foreach (var name in new[] { "strict", "lenient" })
        {
            var cronJob = await host.GetAsync<CronJob>(name);
            await host.Client.UpdateAsync(cronJob with { Spec = cronJob.Spec with { Suspend = false } });
        }

        await Eventually.Until(() => Jobs(host).Count == 1, "the lenient CronJob's missed 00:05 run");
        await host.SettleAsync();
        Assert.That(Jobs(host).Single().Name, Is.EqualTo($"lenient-{At(0, 5).ToUnixTimeSeconds() / 60}"));
        Assert.That(host.Logs.Messages, Has.None.Contains("strict-"), "00:05 is 45 s late for the strict one's 30 s deadline");

        await host.AdvanceAsync(TimeSpan.FromSeconds(15) + Delta);
        await Eventually.Until(() => Jobs(host).Count(j => j.Name.StartsWith("strict-", StringComparison.Ordinal)) == 1, "the strict CronJob's 00:06 run");
        Assert.That(Jobs(host).Single(j => j.Name.StartsWith("strict-", StringComparison.Ordinal)).Name, Is.EqualTo($"strict-{At(0, 6).ToUnixTimeSeconds() / 60}"));
    }

    [Test]
    public async Task HistoryLimits_KeepOnlyTheNewestFinishedJobs()
    {
        await using var host = await Start();
        var cronJob = BatchObjects.CronJob("nightly", "*/1 * * * *");
        await host.Client.CreateAsync(cronJob with { Spec = cronJob.Spec with { SuccessfulJobsHistoryLimit = 2, FailedJobsHistoryLimit = 1 } });
        var names = new List<string>();
        for (var minute = 1; minute <= 5; minute++)
        {
            await host.AdvanceAsync(At(0, minute) + Delta - host.Time.GetUtcNow());
            var name = $"nightly-{At(0, minute).ToUnixTimeSeconds() / 60}";
            names.Add(name);
            await Eventually.Until(() => Jobs(host).Any(j => j.Name == name), $"the 00:0{minute} run");
            await host.AdvanceAsync(TimeSpan.FromSeconds(10));
            await Finish(host, await host.GetAsync<Job>(name), succeeded: minute <= 3);
            await host.SettleAsync();
        }

        Assert.That(Jobs(host).Select(j => j.Name), Is.EqualTo(new[] { names[1], names[2], names[4] }), "the newest 2 successful and the newest failed");
        var status = (await host.GetAsync<CronJob>("nightly")).Status;
        Assert.That(status.Active, Is.Empty);
        Assert.That(status.LastSuccessfulTime, Is.EqualTo(At(0, 3, 10)));
        Assert.That(host.Client.Deletes.Select(d => d.Name.Name), Is.EquivalentTo(new[] { names[0], names[3] }));
    }

    [Test]
    public async Task TimeZone_ReadsTheScheduleInTheNamedZone()
    {
        // Midnight UTC on New Year's Day is 09:00 in Tokyo: the next 09:00 there is a day later.
        await using var host = await Start();
        var cronJob = BatchObjects.CronJob("morning", "0 9 * * *");
        await host.Client.CreateAsync(cronJob with { Spec = cronJob.Spec with { TimeZone = "Asia/Tokyo" } });
        await host.SettleAsync();

        await host.AdvanceAsync(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(1));
        Assert.That(Jobs(host), Is.Empty);
        await host.AdvanceAsync(TimeSpan.FromMinutes(1) + Delta);
        await Eventually.Until(() => Jobs(host).Count == 1, "the 09:00 Tokyo run, at midnight UTC");
        var job = Jobs(host)[0];
        Assert.That(job.Name, Is.EqualTo($"morning-{At(24, 0).ToUnixTimeSeconds() / 60}"));
        Assert.That(job.Metadata.Annotations[BatchLabels.CronJobScheduledTimestamp], Is.EqualTo("2025-01-02T09:00:00+09:00"));
    }

    [Test]
    public async Task UnknownTimeZone_StartsNothing_AndSaysWhy()
    {
        await using var host = await Start();
        var cronJob = BatchObjects.CronJob("lost", "*/1 * * * *");
        await host.Client.CreateAsync(cronJob with { Spec = cronJob.Spec with { TimeZone = "Mars/Olympus_Mons" } });
        await host.AdvanceAsync(TimeSpan.FromMinutes(3));
        Assert.That(Jobs(host), Is.Empty);
        Assert.That(host.Logs.Messages, Has.Some.Contains("UnknownTimeZone").And.Contains("Mars/Olympus_Mons"));
    }

    [Test]
    public async Task MoreThan100MissedRuns_WarnsTooManyMissedTimes_AndStartsTheMostRecent()
    {
        await using var host = await Start();
        var cronJob = BatchObjects.CronJob("backlog", "*/1 * * * *");
        await host.Client.CreateAsync(cronJob with { Spec = cronJob.Spec with { Suspend = true } });
        await host.AdvanceAsync(TimeSpan.FromHours(3));
        cronJob = await host.GetAsync<CronJob>("backlog");
        await host.Client.UpdateAsync(cronJob with { Spec = cronJob.Spec with { Suspend = false } });

        await Eventually.Until(() => Jobs(host).Count == 1, "one run");
        Assert.That(Jobs(host)[0].Name, Is.EqualTo($"backlog-{At(3, 0).ToUnixTimeSeconds() / 60}"), "only the most recent missed run starts");
        Assert.That(host.Logs.Messages, Has.Some.Contains("TooManyMissedTimes: too many missed start times: 180"));
    }

    private static Task<ControllerTestHost> Start() =>
        ControllerTestHost.StartAsync(h => h.Manager.Add("cronjob", context => new CronJobReconciler(context)));

    private static DateTimeOffset At(int hour, int minute, int second = 0) =>
        ControllerTestHost.DefaultStart + new TimeSpan(hour, minute, second);

    private static IReadOnlyList<Job> Jobs(ControllerTestHost host) =>
        host.ListAsync<Job>().GetAwaiter().GetResult();

    private static Task<Job> Finish(ControllerTestHost host, Job job, bool succeeded)
    {
        var now = host.Time.GetUtcNow();
        return host.Client.UpdateStatusAsync(BatchObjects.FinishedJob(job, succeeded, job.Metadata.CreationTimestamp ?? now, now)).AsTask();
    }
}
