using Microsoft.Extensions.Logging;

namespace Containers.Images;

public sealed partial class LocalImages
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Stored image {Digest} named {Name}")]
    private static partial void LogAdded(ILogger logger, Digest digest, ImageReference? name);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Untagged {Name}")]
    private static partial void LogUntagged(ILogger logger, ImageReference name);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Information, Message = "Removed image {Digest}; {Blobs} of its blobs were deleted")]
    private static partial void LogRemoved(ILogger logger, Digest digest, int blobs);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Information, Message = "Loaded image {Digest} as {Names}")]
    private static partial void LogLoaded(ILogger logger, Digest digest, string names);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Warning, Message = "Image {Digest} named {Names} cannot be read and is left out: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, Digest digest, string names, string reason);
}
