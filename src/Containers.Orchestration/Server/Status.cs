namespace Containers.Orchestration.Server;

/// <summary>
/// Kubernetes' <c>v1 Status</c>: the body of every error the API returns (and of some successes),
/// with the HTTP code, a machine-readable reason and, for invalid objects, one cause per field.
/// </summary>
public sealed record Status
{
    public const string Failure = "Failure";
    public const string Success = "Success";

    public string ApiVersion { get => field ?? "v1"; init; }

    public string Kind { get => field ?? "Status"; init; }

    public StatusListMeta Metadata { get => field ??= new(); init; }

    /// <summary><see cref="Success"/> or <see cref="Failure"/>.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("status")]
    public string? Outcome { get; init; }

    public string? Message { get; init; }

    /// <summary>One of <see cref="StatusReasons"/>.</summary>
    public string? Reason { get; init; }

    public StatusDetails? Details { get; init; }

    /// <summary>The HTTP status code.</summary>
    public int Code { get; init; }
}

/// <summary>The (empty) list metadata a Status carries.</summary>
public sealed record StatusListMeta
{
    public string? ResourceVersion { get; init; }
}

/// <summary>What a failure is about: the object's name, group and resource, and per-field causes.</summary>
public sealed record StatusDetails
{
    public string? Name { get; init; }

    public string? Group { get; init; }

    /// <summary>The resource (<c>pods</c>), as Kubernetes fills it in for errors about a resource.</summary>
    public string? Kind { get; init; }

    public string? Uid { get; init; }

    public IReadOnlyList<StatusCause> Causes { get => field ?? []; init; }

    public int? RetryAfterSeconds { get; init; }
}

/// <summary>One reason a request failed, such as one invalid field.</summary>
public sealed record StatusCause
{
    /// <summary>Such as <c>FieldValueRequired</c> or <c>FieldValueInvalid</c>.</summary>
    public string? Reason { get; init; }

    public string? Message { get; init; }

    /// <summary>The field path, such as <c>spec.containers[0].image</c>.</summary>
    public string? Field { get; init; }
}

/// <summary>Kubernetes' StatusReason values.</summary>
public static class StatusReasons
{
    public const string Unauthorized = "Unauthorized";
    public const string Forbidden = "Forbidden";
    public const string NotFound = "NotFound";
    public const string AlreadyExists = "AlreadyExists";
    public const string Conflict = "Conflict";
    public const string Gone = "Gone";
    public const string Expired = "Expired";
    public const string Invalid = "Invalid";
    public const string BadRequest = "BadRequest";
    public const string MethodNotAllowed = "MethodNotAllowed";
    public const string NotAcceptable = "NotAcceptable";
    public const string UnsupportedMediaType = "UnsupportedMediaType";
    public const string RequestEntityTooLarge = "RequestEntityTooLarge";
    public const string ServiceUnavailable = "ServiceUnavailable";
    public const string Timeout = "Timeout";
    public const string InternalError = "InternalError";
}
