using Microsoft.Extensions.Logging;

namespace Containers.Images.Registry;

public sealed partial class RegistryClient
{
    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "Registry {Authority} does not speak TLS ({Error}); using plain HTTP, as it is insecure")]
    private static partial void LogPlainHttp(ILogger logger, string authority, string error);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Debug, Message = "Redirected from {From} to {To}")]
    private static partial void LogRedirected(ILogger logger, LoggedUri from, LoggedUri to);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Warning, Message = "Mirror {Authority} failed ({Error}); trying the next")]
    private static partial void LogMirrorFailed(ILogger logger, string authority, string error);

    [LoggerMessage(EventId = 2604, Level = LogLevel.Information, Message = "Pulling {Reference} (manifest {Manifest}, {Blobs} blobs) from {Authority}")]
    private static partial void LogPulling(ILogger logger, ImageReference reference, Digest manifest, int blobs, string authority);

    [LoggerMessage(EventId = 2605, Level = LogLevel.Information, Message = "Pulled {Reference} ({Target}): {Downloaded} blobs fetched, {Present} present, {Bytes} bytes")]
    private static partial void LogPulled(ILogger logger, ImageReference reference, Digest target, int downloaded, int present, long bytes);

    [LoggerMessage(EventId = 2606, Level = LogLevel.Information, Message = "Blob {Digest} broke off at {Written} of {Size} bytes ({Error}); resuming, attempt {Attempt} of {Retries}, in {Delay}")]
    private static partial void LogResuming(ILogger logger, Digest digest, long written, long size, string error, int attempt, int retries, TimeSpan delay);

    [LoggerMessage(EventId = 2607, Level = LogLevel.Warning, Message = "{Operation} {Reference}: the registry answered {Status} where the distribution spec says 201/202")]
    private static partial void LogUnexpectedStatus(ILogger logger, string operation, string reference, int status);

    [LoggerMessage(EventId = 2608, Level = LogLevel.Information, Message = "Deleted manifest {Digest} from {Repository}")]
    private static partial void LogDeleted(ILogger logger, string repository, Digest digest);

    [LoggerMessage(EventId = 2609, Level = LogLevel.Information, Message = "Pushing {Reference} (root {Digest}, {Blobs} blobs) to {Authority}")]
    private static partial void LogPushing(ILogger logger, ImageReference reference, Digest digest, int blobs, string authority);

    [LoggerMessage(EventId = 2610, Level = LogLevel.Information, Message = "Pushed {Reference} ({Digest}): {Uploaded} blobs sent, {Present} present, {Mounted} mounted, {Bytes} bytes")]
    private static partial void LogPushed(ILogger logger, ImageReference reference, Digest digest, int uploaded, int present, int mounted, long bytes);

    [LoggerMessage(EventId = 2611, Level = LogLevel.Debug, Message = "Mounted blob {Digest} from {From} into {Repository}")]
    private static partial void LogMounted(ILogger logger, Digest digest, string from, string repository);

    [LoggerMessage(EventId = 2612, Level = LogLevel.Information, Message = "Upload of blob {Digest} broke ({Error}); starting it again, attempt {Attempt} of {Retries}, in {Delay}")]
    private static partial void LogUploadRetry(ILogger logger, Digest digest, string error, int attempt, int retries, TimeSpan delay);

    [LoggerMessage(EventId = 2613, Level = LogLevel.Information, Message = "Tagged {Reference} as {Digest}")]
    private static partial void LogTagged(ILogger logger, ImageReference reference, Digest digest);

    [LoggerMessage(EventId = 2614, Level = LogLevel.Debug, Message = "Added referrer {Referrer} to the fallback tag {Tag}")]
    private static partial void LogReferrersTag(ILogger logger, string tag, Digest referrer);
}
