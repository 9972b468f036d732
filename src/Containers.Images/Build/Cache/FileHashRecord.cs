using System.Text.Json.Serialization;

namespace Containers.Images.Build.Cache;

/// <summary>One remembered file hash: the file's device, inode, size and mtime (nanoseconds), and its content's sha256.</summary>
internal sealed record FileHashRecord(
    [property: JsonPropertyName("d")] ulong Device,
    [property: JsonPropertyName("i")] ulong Inode,
    [property: JsonPropertyName("s")] long Size,
    [property: JsonPropertyName("m")] long MTime,
    [property: JsonPropertyName("h")] string Sha256);
