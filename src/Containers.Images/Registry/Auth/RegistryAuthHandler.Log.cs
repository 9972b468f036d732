using Microsoft.Extensions.Logging;

namespace Containers.Images.Registry.Auth;

public sealed partial class RegistryAuthHandler
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 6001, Level = LogLevel.Debug, Message = "Registry {Registry} asked for {Scheme} authentication (error: {Error})")]
        public static partial void Challenged(ILogger logger, string registry, string scheme, string error);

        [LoggerMessage(EventId = 6002, Level = LogLevel.Debug, Message = "Token for {Registry} from {Realm} for {Scopes}, until {ExpiresAt}")]
        public static partial void TokenFetched(ILogger logger, string registry, string realm, TokenScopes scopes, DateTimeOffset expiresAt);

        [LoggerMessage(EventId = 6003, Level = LogLevel.Debug, Message = "Registry {Registry}'s token server is on another host, {Realm}; it is sent the registry's credentials, never the token")]
        public static partial void RealmElsewhere(ILogger logger, string registry, string realm);

        [LoggerMessage(EventId = 6004, Level = LogLevel.Debug, Message = "Request to {Host}, not registry {Registry}: sent without credentials")]
        public static partial void SentElsewhere(ILogger logger, string host, RegistryAuthority registry);
    }
}
