using Microsoft.Extensions.Logging;

namespace Containers.Images.Registry.Auth.Docker;

public sealed partial class DockerConfigCredentialProvider
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 6021, Level = LogLevel.Warning, Message = "Credential helper {Helper} gave no credentials for {Registry}, going on without: {Reason}")]
        public static partial void HelperFailed(ILogger logger, string helper, string registry, string reason);
    }
}
