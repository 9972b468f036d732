using Containers.Errors;

namespace Containers.Orchestration.Server;

/// <summary>
/// A failure a server reported as a <see cref="Status"/> that no more specific exception stands
/// for (such as 400 BadRequest, 405, 415 or 500), as a client receives it.
/// </summary>
public sealed class ApiStatusException : ContainersException
{
    public ApiStatusException(Status status, Exception? innerException = null)
        : base(status?.Message ?? "the server reported a failure with no message", innerException)
    {
        Status = status!;
    }

    public override string Kind => string.IsNullOrEmpty(Status.Reason) ? "server error" : Status.Reason;

    public Status Status { get; }
}
