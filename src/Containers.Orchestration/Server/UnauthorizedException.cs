using Containers.Errors;

namespace Containers.Orchestration.Server;

/// <summary>The request carries no credentials the server accepts (HTTP 401, reason Unauthorized).</summary>
public sealed class UnauthorizedException : ContainersException
{
    public UnauthorizedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public override string Kind => "unauthorized";
}
