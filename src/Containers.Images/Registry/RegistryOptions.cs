namespace Containers.Images.Registry;

/// <summary>Settings of the registry client.</summary>
public sealed class RegistryOptions
{
    /// <summary>The default <see cref="MaxManifestSize"/>: 4 MiB, the reference registry's own limit.</summary>
    public const int DefaultMaxManifestSize = 4 * 1024 * 1024;

    /// <summary>
    /// Registries (<c>host</c> or <c>host:port</c>) that may be reached over plain HTTP, and whose
    /// TLS certificate is not verified, as Docker's <c>insecure-registries</c>: HTTPS is tried
    /// first and HTTP used when the registry does not speak TLS. <c>localhost</c>,
    /// <c>127.0.0.1</c> and <c>::1</c> are always treated so, as Docker treats them.
    /// </summary>
    public IList<string> InsecureRegistries { get; } = [];

    /// <summary>
    /// Mirrors of Docker Hub (<c>https://mirror.example</c> or <c>host:port</c>), tried in order
    /// for pulls from <c>docker.io</c> before Docker Hub itself. Pushes always go to Docker Hub.
    /// </summary>
    public IList<string> Mirrors { get; } = [];

    /// <summary>How many blobs a pull downloads at once (Docker's default is 3).</summary>
    public int MaxParallelDownloads { get; set; } = 3;

    /// <summary>How many blobs a push uploads at once (Docker's default is 5).</summary>
    public int MaxParallelUploads { get; set; } = 5;

    /// <summary>The largest manifest or index accepted from a registry; bigger ones are refused unread.</summary>
    public int MaxManifestSize { get; set; } = DefaultMaxManifestSize;

    /// <summary>
    /// Uploads bigger than this go up in chunks of this size (PATCH with <c>Content-Range</c>);
    /// smaller ones in one PUT. Zero sends every blob in one PUT.
    /// </summary>
    public long ChunkSize { get; set; }

    /// <summary>How often a transient failure (connection reset, 429, 5xx, a broken or stalled transfer) is retried.</summary>
    public int RetryCount { get; set; } = 5;

    /// <summary>The first retry waits this long; each further one twice as long, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between retries, and the most of a <c>Retry-After</c> that is honoured.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A download that receives no bytes for this long is broken off (and resumed, as a retry).</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The User-Agent sent with every request.</summary>
    public string UserAgent { get; set; } = "dotnet-containers";
}
