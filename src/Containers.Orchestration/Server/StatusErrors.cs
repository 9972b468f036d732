using Containers.Errors;
using Containers.Orchestration.Store;
using Containers.Orchestration.Validation;

namespace Containers.Orchestration.Server;

/// <summary>
/// Turns this platform's exceptions into Kubernetes Status objects (the server side) and Status
/// objects back into the same exceptions (the client side), so that a caller catches
/// <see cref="NotFoundException"/> or <see cref="ConflictException"/> alike in process and over HTTP.
/// </summary>
public static class StatusErrors
{
    /// <summary>
    /// The Status for <paramref name="error"/>, with details naming the object the request was about
    /// (<paramref name="group"/>, <paramref name="resource"/>, <paramref name="name"/>) when known.
    /// </summary>
    public static Status ToStatus(Exception error, string? group = null, string? resource = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error is ApiStatusException api)
        {
            return api.Status;
        }

        var (code, reason) = error switch
        {
            InvalidObjectException => (422, StatusReasons.Invalid),
            NotFoundException => (404, StatusReasons.NotFound),
            AlreadyExistsException => (409, StatusReasons.AlreadyExists),
            ConflictException => (409, StatusReasons.Conflict),
            GoneException => (410, StatusReasons.Expired),
            ForbiddenException => (403, StatusReasons.Forbidden),
            UnauthorizedException => (401, StatusReasons.Unauthorized),
            InvalidArgumentException or FailedPreconditionException => (400, StatusReasons.BadRequest),
            UnavailableException => (503, StatusReasons.ServiceUnavailable),
            OperationCanceledException or TimeoutException => (504, StatusReasons.Timeout),
            _ => (500, StatusReasons.InternalError),
        };
        var message = code == 500 ? $"Internal error occurred: {error.Message}" : error.Message;
        StatusDetails? details = null;
        if (error is InvalidObjectException invalid)
        {
            details = new StatusDetails
            {
                Name = invalid.Name,
                Group = invalid.Group,
                Kind = invalid.ObjectKind,
                Causes = [.. invalid.Errors.Select(e => new StatusCause { Reason = e.Reason, Field = e.Field, Message = Body(e) })],
            };
        }
        else if (name is not null || resource is not null)
        {
            details = new StatusDetails { Name = name, Group = group, Kind = resource };
        }

        return new Status { Outcome = Status.Failure, Code = code, Reason = reason, Message = message, Details = details };
    }

    /// <summary>
    /// The exception a client throws for a failure Status it received. An Invalid (422) Status
    /// becomes an <see cref="ApiStatusException"/> carrying the server's message and causes as they were.
    /// </summary>
    public static ContainersException ToException(Status status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var message = status.Message ?? $"the server answered {status.Code} {status.Reason}";
        return (status.Code, status.Reason) switch
        {
            (401, _) => new UnauthorizedException(message),
            (403, _) => new ForbiddenException(message),
            (404, _) => new NotFoundException(message),
            (409, StatusReasons.AlreadyExists) => new AlreadyExistsException(message),
            (409, _) => new ConflictException(message),
            (410, _) => new GoneException(message),
            (400, _) => new InvalidArgumentException(message),
            (503, _) => new UnavailableException(message),
            _ => new ApiStatusException(status),
        };
    }

    /// <summary>A field error without its field, as a Status cause's message carries it (<c>Required value</c>).</summary>
    private static string Body(FieldError error)
    {
        var text = error.ToString();
        var prefix = error.Field + ": ";
        return text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : text;
    }
}
