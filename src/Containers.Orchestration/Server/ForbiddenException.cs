using Containers.Errors;

namespace Containers.Orchestration.Server;

/// <summary>
/// The request was understood but is not allowed: RBAC denied it, an admission hook refused it, or
/// it would grant permissions the requester does not hold (HTTP 403, reason Forbidden).
/// </summary>
public sealed class ForbiddenException : ContainersException
{
    public ForbiddenException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public override string Kind => "forbidden";
}
