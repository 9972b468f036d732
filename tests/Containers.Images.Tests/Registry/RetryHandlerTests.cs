using System.Net;
using System.Net.Http.Headers;
using Containers.Images.Registry;

namespace Containers.Images.Tests.Registry;

public sealed class RetryHandlerTests
{
    [Test]
    public async Task Send_TooManyRequestsWithRetryAfter_WaitsAsLongAsAsked()
    {
        var time = new RecordingTimeProvider();
        var inner = new ScriptedHandler(
            () => new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)) } },
            () => new HttpResponseMessage(HttpStatusCode.OK));
        using var client = new HttpClient(new RetryHandler(new RegistryOptions { RetryCount = 3 }, time) { InnerHandler = inner });

        using var response = await client.GetAsync(new Uri("http://registry.test/v2/"));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(inner.Calls, Is.EqualTo(2));
            Assert.That(time.Delays, Is.EqualTo(new[] { TimeSpan.FromSeconds(7) }));
        });
    }

    [Test]
    public async Task Send_ServerErrors_BackOffExponentiallyUpToTheRetryCount()
    {
        var time = new RecordingTimeProvider();
        var inner = new ScriptedHandler(Enumerable.Repeat<Func<HttpResponseMessage>>(() => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable), 10).ToArray());
        var options = new RegistryOptions { RetryCount = 3, RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(60) };
        using var client = new HttpClient(new RetryHandler(options, time) { InnerHandler = inner });

        using var response = await client.GetAsync(new Uri("http://registry.test/v2/"));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "the last answer is returned once the retries are spent");
            Assert.That(inner.Calls, Is.EqualTo(4));
            Assert.That(time.Delays, Has.Count.EqualTo(3));
            Assert.That(time.Delays[0], Is.InRange(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.2)));
            Assert.That(time.Delays[1], Is.InRange(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.4)));
            Assert.That(time.Delays[2], Is.InRange(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4.8)));
        });
    }

    [Test]
    public async Task Send_ConnectionReset_IsRetried()
    {
        var time = new RecordingTimeProvider();
        var inner = new ScriptedHandler(
            () => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection reset by peer"),
            () => new HttpResponseMessage(HttpStatusCode.OK));
        using var client = new HttpClient(new RetryHandler(new RegistryOptions(), time) { InnerHandler = inner });

        using var response = await client.GetAsync(new Uri("http://registry.test/v2/"));

        Assert.That(inner.Calls, Is.EqualTo(2));
    }

    [TestCase(HttpStatusCode.NotFound)]
    [TestCase(HttpStatusCode.Unauthorized)]
    [TestCase(HttpStatusCode.NotImplemented)]
    public async Task Send_PermanentFailure_IsNotRetried(HttpStatusCode status)
    {
        var inner = new ScriptedHandler(() => new HttpResponseMessage(status), () => new HttpResponseMessage(HttpStatusCode.OK));
        using var client = new HttpClient(new RetryHandler(new RegistryOptions(), new RecordingTimeProvider()) { InnerHandler = inner });

        using var response = await client.GetAsync(new Uri("http://registry.test/v2/"));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(status));
            Assert.That(inner.Calls, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Send_BodyThatCannotBeSentAgain_IsNotRetried()
    {
        var inner = new ScriptedHandler(() => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable), () => new HttpResponseMessage(HttpStatusCode.OK));
        using var client = new HttpClient(new RetryHandler(new RegistryOptions(), new RecordingTimeProvider()) { InnerHandler = inner });

        using var response = await client.PutAsync(new Uri("http://registry.test/upload"), new StreamContent(new MemoryStream([1, 2, 3])));

        Assert.That(inner.Calls, Is.EqualTo(1));
    }

    /// <summary>Records each wait asked of it and lets it pass at once, so tests never sleep.</summary>
    private sealed class RecordingTimeProvider : TimeProvider
    {
        public List<TimeSpan> Delays { get; } = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (Delays)
            {
                Delays.Add(dueTime);
            }

            return System.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    private sealed class ScriptedHandler(params Func<HttpResponseMessage>[] answers) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answers[Math.Min(Calls++, answers.Length - 1)]());
    }
}
