namespace Containers.Orchestration.Server;

/// <summary>
/// Per-field causes in Kubernetes' field.Error wording (apimachinery's <c>field</c> package), for
/// <see cref="InvalidObjectException"/>.
/// </summary>
public static class FieldErrors
{
    public static StatusCause Required(string field, string? detail = null) =>
        new() { Reason = "FieldValueRequired", Field = field, Message = "Required value" + Detail(detail) };

    public static StatusCause Invalid(string field, string? value, string detail) =>
        new() { Reason = "FieldValueInvalid", Field = field, Message = $"Invalid value: \"{value}\"{Detail(detail)}" };

    public static StatusCause Forbidden(string field, string detail) =>
        new() { Reason = "FieldValueForbidden", Field = field, Message = "Forbidden" + Detail(detail) };

    public static StatusCause Immutable(string field, string? value) => Invalid(field, value, "field is immutable");

    public static StatusCause NotSupported(string field, string? value, IEnumerable<string> supported) =>
        new()
        {
            Reason = "FieldValueNotSupported",
            Field = field,
            Message = $"Unsupported value: \"{value}\": supported values: {string.Join(", ", supported.Select(s => $"\"{s}\""))}",
        };

    private static string Detail(string? detail) => string.IsNullOrEmpty(detail) ? string.Empty : ": " + detail;
}
