using Containers.Orchestration.Store.Etcd;
using dotnet_etcd;

namespace Containers.Orchestration.Tests.Store.Etcd;

/// <summary>
/// Base of the etcd-specific tests: one real etcd per fixture (class), killed and removed after it,
/// and a fresh key prefix per test so that tests never see each other's keys.
/// </summary>
public abstract class EtcdTest
{
    private CancellationTokenSource _timeout = null!;

    protected EtcdServer Etcd { get; private set; } = null!;

    /// <summary>This test's key prefix.</summary>
    protected string Prefix { get; private set; } = null!;

    /// <summary>Guards every wait in a test, so a broken store fails instead of hanging.</summary>
    protected CancellationToken Timeout => _timeout.Token;

    public static string NewPrefix() => $"/test-{Guid.NewGuid():n}";

    /// <summary>A running etcd, or the test ignored when etcd is not installed.</summary>
    public static async Task<EtcdServer> StartEtcdServerAsync()
    {
        if (!EtcdServer.IsInstalled)
        {
            Assert.Ignore($"needs etcd ({EtcdServer.Binary}): apt-get install etcd-server");
        }

        return await EtcdServer.StartAsync();
    }

    [OneTimeSetUp]
    public async Task StartEtcdAsync() => Etcd = await StartEtcdServerAsync();

    [OneTimeTearDown]
    public async Task StopEtcdAsync()
    {
        if (Etcd is null)
        {
            return;
        }

        var pid = Etcd.Pid;
        await Etcd.DisposeAsync();
        Assert.That(Directory.Exists(Etcd.DataDirectory), Is.False, "the etcd data directory is removed");
        if (pid is { } p)
        {
            Assert.That(Directory.Exists($"/proc/{p}"), Is.False, $"etcd (pid {p}) is gone");
        }
    }

    [SetUp]
    public async Task SetUpPrefixAsync()
    {
        _timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Prefix = NewPrefix();

        // A test that stopped etcd and failed before starting it again must not break the next one.
        if (Etcd.Pid is null)
        {
            await Etcd.StartAgainAsync();
        }
    }

    [TearDown]
    public void TearDownTimeout() => _timeout.Dispose();

    protected Task<EtcdStateStore> ConnectAsync(Action<EtcdStateStoreOptions>? configure = null)
    {
        var options = new EtcdStateStoreOptions { Endpoints = Etcd.ClientUrl, Prefix = Prefix };
        configure?.Invoke(options);
        return EtcdStateStore.ConnectAsync(options, cancellationToken: Timeout).AsTask();
    }

    /// <summary>A plain dotnet-etcd client, to look at and tamper with the keys behind the store's back.</summary>
    protected EtcdClient RawClient() => new(Etcd.ClientUrl);
}
