namespace Containers.Images.Content;

/// <summary>Settings of the local content store.</summary>
public sealed class ContentStoreOptions
{
    /// <summary>
    /// The directory that holds <c>blobs/</c> and <c>ingest/</c>. Defaults to
    /// <c>content/</c> under the platform's root.
    /// </summary>
    public string? Root { get; set; }

    /// <summary>Hash every read and fail on mismatch. Turn off only for content verified elsewhere.</summary>
    public bool VerifyOnRead { get; set; } = true;

    /// <summary>Ingests untouched for this long are abandoned and swept by garbage collection.</summary>
    public TimeSpan IngestExpiry { get; set; } = TimeSpan.FromHours(1);
}
