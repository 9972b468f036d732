using Microsoft.Extensions.Logging;

namespace Containers.Images.Testing;

public sealed partial class ThrowawayContainer
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1601, Level = LogLevel.Debug, Message = "Creating throwaway container {Name} from image {Image}")]
        public static partial void Creating(ILogger logger, string name, Digest image);

        [LoggerMessage(EventId = 1602, Level = LogLevel.Information, Message = "Started throwaway container {Name} ({Id})")]
        public static partial void Started(ILogger logger, string name, string id);

        [LoggerMessage(EventId = 1603, Level = LogLevel.Debug, Message = "Throwaway container {Name} waits for {Strategy}")]
        public static partial void Waiting(ILogger logger, string name, string strategy);

        [LoggerMessage(EventId = 1604, Level = LogLevel.Information, Message = "Throwaway container {Name} is ready")]
        public static partial void Ready(ILogger logger, string name);

        [LoggerMessage(EventId = 1605, Level = LogLevel.Information, Message = "Removed throwaway container {Name} ({Id})")]
        public static partial void Removed(ILogger logger, string name, string id);
    }
}
