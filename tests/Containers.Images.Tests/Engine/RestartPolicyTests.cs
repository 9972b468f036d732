using Containers.Errors;
using Containers.Images.Engine;

namespace Containers.Images.Tests.Engine;

public sealed class RestartPolicyTests
{
    [TestCase("", RestartPolicyKind.No, 0, "no")]
    [TestCase("no", RestartPolicyKind.No, 0, "no")]
    [TestCase("always", RestartPolicyKind.Always, 0, "always")]
    [TestCase("unless-stopped", RestartPolicyKind.UnlessStopped, 0, "unless-stopped")]
    [TestCase("on-failure", RestartPolicyKind.OnFailure, 0, "on-failure")]
    [TestCase("on-failure:3", RestartPolicyKind.OnFailure, 3, "on-failure:3")]
    public void Parse_DockersRestartForms_GivesThePolicy(string text, RestartPolicyKind kind, int maxRetries, string canonical)
    {
        var policy = RestartPolicy.Parse(text);

        Assert.Multiple(() =>
        {
            Assert.That(policy.Kind, Is.EqualTo(kind));
            Assert.That(policy.MaxRetries, Is.EqualTo(maxRetries));
            Assert.That(policy.ToString(), Is.EqualTo(canonical));
        });
    }

    [TestCase("sometimes", "is not valid")]
    [TestCase("always:3", "only goes with on-failure")]
    [TestCase("on-failure:-1", "cannot be negative")]
    [TestCase("on-failure:many", "is not a number")]
    public void Parse_AnInvalidPolicy_SaysWhatIsWrong(string text, string message)
    {
        Assert.That(() => RestartPolicy.Parse(text), Throws.InstanceOf<InvalidArgumentException>().With.Message.Contains(message));
    }

    [Test]
    public void ShouldRestart_FollowsEachPolicy()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RestartPolicy.No.ShouldRestart(1, 0), Is.False);
            Assert.That(RestartPolicy.Always.ShouldRestart(0, 100), Is.True);
            Assert.That(RestartPolicy.UnlessStopped.ShouldRestart(0, 100), Is.True);
            Assert.That(RestartPolicy.OnFailure().ShouldRestart(0, 0), Is.False, "success is no failure");
            Assert.That(RestartPolicy.OnFailure().ShouldRestart(1, 1000), Is.True, "0 retries is no limit");
            Assert.That(RestartPolicy.OnFailure(2).ShouldRestart(1, 1), Is.True);
            Assert.That(RestartPolicy.OnFailure(2).ShouldRestart(1, 2), Is.False);
        });
    }

    [Test]
    public void Backoff_DoublesFrom100MsUpToAMinute_AndStartsAgainAfterALongRun()
    {
        var backoff = new RestartBackoff();
        var quick = TimeSpan.FromSeconds(1);

        var delays = Enumerable.Range(0, 12).Select(_ => backoff.Next(quick).TotalMilliseconds).ToArray();
        var afterLongRun = backoff.Next(TimeSpan.FromSeconds(10));
        backoff.Next(quick);
        backoff.Reset();
        var afterReset = backoff.Next(quick);

        Assert.Multiple(() =>
        {
            Assert.That(delays, Is.EqualTo(new double[] { 100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000 }));
            Assert.That(afterLongRun, Is.EqualTo(TimeSpan.FromMilliseconds(100)));
            Assert.That(afterReset, Is.EqualTo(TimeSpan.FromMilliseconds(100)));
        });
    }
}
