using System.Net;
using System.Text;
using System.Text.Json;
using Containers.Errors;
using Containers.Images.Json;

namespace Containers.Images.Registry;

/// <summary>
/// A registry answered an operation with a failure: the HTTP status, the registry's own error
/// codes and messages (from the distribution spec's error body), the operation and the reference.
/// </summary>
public sealed class RegistryException : ContainersException
{
    /// <summary>At most this much of an error body is read; a registry's error is small.</summary>
    internal const int MaxErrorBodyBytes = 64 * 1024;

    public RegistryException(
        HttpStatusCode statusCode,
        string operation,
        string? reference,
        IReadOnlyList<RegistryError>? errors = null,
        string? message = null,
        Exception? innerException = null)
        : base(message ?? Describe(statusCode, operation, reference, errors ?? []), innerException)
    {
        StatusCode = statusCode;
        Operation = operation;
        Reference = reference;
        Errors = errors ?? [];
    }

    /// <summary>The HTTP status the registry answered with.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>What was being done, e.g. <c>pull manifest</c>, <c>push blob</c>, <c>list tags</c>.</summary>
    public string Operation { get; }

    /// <summary>The image reference, repository or blob the operation was about.</summary>
    public string? Reference { get; }

    /// <summary>The registry's error entries; empty when it sent none (or no JSON).</summary>
    public IReadOnlyList<RegistryError> Errors { get; }

    /// <summary>True when one of the registry's errors carries <paramref name="code"/>.</summary>
    public bool HasCode(string code) => Errors.Any(e => string.Equals(e.Code, code, StringComparison.OrdinalIgnoreCase));

    public override string Kind => StatusCode switch
    {
        HttpStatusCode.NotFound => "not found",
        HttpStatusCode.Unauthorized => "unauthorized",
        HttpStatusCode.Forbidden => "denied",
        HttpStatusCode.TooManyRequests => "too many requests",
        >= HttpStatusCode.InternalServerError => "unavailable",
        _ => "registry error",
    };

    /// <summary>
    /// Builds the exception from a failed response, reading (at most 64 KiB of) its body for the
    /// registry's error entries. The response is not disposed.
    /// </summary>
    public static async Task<RegistryException> FromResponseAsync(
        HttpResponseMessage response,
        string operation,
        string? reference,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        IReadOnlyList<RegistryError>? errors = null;
        try
        {
            var body = await BoundedRead.ReadAtMostAsync(response.Content, MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
            errors = body.Length > MaxErrorBodyBytes ? null : ParseErrors(body);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidOperationException)
        {
            // The status alone still says what happened; a broken error body does not hide it.
        }

        return new RegistryException(response.StatusCode, operation, reference, errors);
    }

    /// <summary>Parses a distribution-spec error body; null when it is not one.</summary>
    internal static IReadOnlyList<RegistryError>? ParseErrors(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            var parsed = JsonSerializer.Deserialize(body, RegistryJsonContext.Default.RegistryErrorBody);
            return parsed?.Errors?.Where(e => e is not null && e.Code is not null).ToArray();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(HttpStatusCode status, string operation, string? reference, IReadOnlyList<RegistryError> errors)
    {
        var text = new StringBuilder();
        text.Append(operation);
        if (!string.IsNullOrEmpty(reference))
        {
            text.Append(' ').Append(reference);
        }

        text.Append(": registry answered ").Append((int)status).Append(' ').Append(ReasonPhrase(status));
        foreach (var error in errors.Take(5))
        {
            text.Append("; ").Append(error.Code);
            if (!string.IsNullOrWhiteSpace(error.Message))
            {
                text.Append(": ").Append(Sanitize(error.Message));
            }
        }

        text.Append(status switch
        {
            HttpStatusCode.Unauthorized => " (log in with credentials for this registry)",
            HttpStatusCode.Forbidden => " (the credentials do not grant this operation)",
            HttpStatusCode.NotFound => " (check the name, tag or digest)",
            _ => string.Empty,
        });
        return text.ToString();
    }

    private static string ReasonPhrase(HttpStatusCode status) => status switch
    {
        HttpStatusCode.NotFound => "Not Found",
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.Forbidden => "Forbidden",
        HttpStatusCode.TooManyRequests => "Too Many Requests",
        HttpStatusCode.BadRequest => "Bad Request",
        HttpStatusCode.MethodNotAllowed => "Method Not Allowed",
        HttpStatusCode.InternalServerError => "Internal Server Error",
        HttpStatusCode.BadGateway => "Bad Gateway",
        HttpStatusCode.ServiceUnavailable => "Service Unavailable",
        HttpStatusCode.GatewayTimeout => "Gateway Timeout",
        _ => status.ToString(),
    };

    /// <summary>A hostile registry's message is shown, but bounded and without control characters.</summary>
    private static string Sanitize(string message)
    {
        var shown = message.Length > 200 ? message[..200] + "…" : message;
        return string.Create(shown.Length, shown, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) ? ' ' : s[i];
            }
        });
    }
}
