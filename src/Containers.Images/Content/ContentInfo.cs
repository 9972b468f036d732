namespace Containers.Images.Content;

/// <summary>What the store knows of a committed blob.</summary>
public sealed record ContentInfo(Digest Digest, long Size, DateTimeOffset CommittedAt);
