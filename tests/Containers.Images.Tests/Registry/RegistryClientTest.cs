using Containers.Images.Content.Local;
using Containers.Images.Registry;

namespace Containers.Images.Tests.Registry;

/// <summary>
/// A fresh local image store and a fresh fake registry per test, with a client that retries
/// quickly; and the check every failure test makes: nothing partial is left behind.
/// </summary>
public abstract class RegistryClientTest
{
    private string _root = null!;

    internal LocalImages Images { get; private set; } = null!;

    internal FakeRegistry Registry { get; private set; } = null!;

    internal RegistryClient Client { get; private set; } = null!;

    internal LocalContentStore Content => (LocalContentStore)Images.Content;

    /// <summary>Serve the fake registry over TLS.</summary>
    protected virtual bool Tls => false;

    [SetUp]
    public void SetUpRegistry()
    {
        _root = Directory.CreateTempSubdirectory("registry-client-").FullName;
        Images = new LocalImages(_root);
        Registry = new FakeRegistry(Tls);
        Client = CreateClient();
    }

    [TearDown]
    public async Task TearDownRegistry()
    {
        Client.Dispose();
        await Registry.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Quick retries, and a stall timeout the tests that do not stall never meet.</summary>
    internal static RegistryOptions FastOptions() => new()
    {
        RetryCount = 2,
        RetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(20),
        StallTimeout = TimeSpan.FromSeconds(30),
    };

    internal RegistryClient CreateClient(RegistryOptions? options = null)
    {
        options ??= FastOptions();
        return new RegistryClient(RegistryClient.CreateHandler(options, new PassThroughAuthHandler()), options);
    }

    internal void UseClient(RegistryClient client)
    {
        Client.Dispose();
        Client = client;
    }

    /// <summary>
    /// Nothing a failed transfer leaves: no ingest in progress, no blob that fails verification,
    /// no image name, and none of <paramref name="absent"/>.
    /// </summary>
    internal async Task AssertNothingPartialAsync(params Digest[] absent)
    {
        var ingests = Directory.Exists(Content.IngestDirectory) ? Directory.GetFileSystemEntries(Content.IngestDirectory) : [];
        var names = new List<string>();
        await foreach (var record in Images.Names.ListAsync())
        {
            names.Add(record.Name);
        }

        var corrupt = new List<Digest>();
        await foreach (var blob in Content.WalkAsync())
        {
            try
            {
                await using var stream = await Content.OpenReadAsync(blob.Digest);
                await stream.CopyToAsync(Stream.Null);
            }
            catch (Errors.DigestMismatchException)
            {
                corrupt.Add(blob.Digest);
            }
        }

        var present = new List<Digest>();
        foreach (var digest in absent)
        {
            if (await Content.ExistsAsync(digest))
            {
                present.Add(digest);
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(ingests, Is.Empty, "no ingest is left in progress");
            Assert.That(corrupt, Is.Empty, "every blob in the store is whole and verified");
            Assert.That(names, Is.Empty, "no image was named");
            Assert.That(present, Is.Empty, "the refused content is not in the store");
        });
    }

    /// <summary>Stands in for the authentication handler: anonymous access, passed straight through.</summary>
    internal sealed class PassThroughAuthHandler : DelegatingHandler
    {
    }
}
