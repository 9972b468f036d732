using Containers.Orchestration.Controllers.Client;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Server;

public sealed partial class ApiServer
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 8301, Level = LogLevel.Information, Message = "API server ready on {Store}: system namespaces and bootstrap RBAC in place")]
        public static partial void Bootstrapped(ILogger logger, Store.IStateStore store);

        [LoggerMessage(EventId = 8302, Level = LogLevel.Debug, Message = "Denied {User}: {Verb} {Resource} in namespace \"{Namespace}\" name \"{Name}\"")]
        public static partial void Denied(ILogger logger, string user, string verb, string resource, string @namespace, string name);

        [LoggerMessage(EventId = 8303, Level = LogLevel.Debug, Message = "Removed {Resource} {Key}")]
        public static partial void Removed(ILogger logger, string resource, Api.NamespacedName key);

        [LoggerMessage(EventId = 8304, Level = LogLevel.Information, Message = "Garbage collector deletes {Resource} {Key} ({Policy}): its owners are gone")]
        public static partial void Collecting(ILogger logger, string resource, Api.NamespacedName key, PropagationPolicy policy);
    }
}
