using Microsoft.Extensions.Logging;

namespace Containers.Images.Snapshots;

public sealed partial class LayerUnpacker
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, Level = LogLevel.Debug, Message = "Snapshot {ChainId} already in {Snapshotter}; reused")]
        public static partial void Reused(ILogger logger, string chainId, string snapshotter);

        [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Unpacked layer {Layer} as snapshot {ChainId} in {Snapshotter} ({Bytes} bytes, in {Elapsed})")]
        public static partial void Applied(ILogger logger, Digest layer, string chainId, string snapshotter, long bytes, TimeSpan elapsed);

        [LoggerMessage(EventId = 1203, Level = LogLevel.Debug, Message = "Snapshot {ChainId} was committed by another unpack first; discarded ours in {Snapshotter}")]
        public static partial void LostRace(ILogger logger, string chainId, string snapshotter);

        [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Could not remove temporary snapshot {Key} of {Snapshotter}")]
        public static partial void CleanupFailed(ILogger logger, string key, string snapshotter, Exception exception);
    }
}
