using System.Globalization;

namespace Containers.Orchestration.Validation;

/// <summary>
/// One thing wrong with one field, printed as Kubernetes prints it:
/// <c>spec.replicas: Invalid value: -1: must be greater than or equal to 0</c>.
/// </summary>
public sealed record FieldError(FieldErrorType Type, string Field, object? BadValue = null, string? Detail = null)
{
    /// <summary>Kubernetes' StatusCause reason for this type (FieldValueRequired…), for API Status objects.</summary>
    public string Reason => Type switch
    {
        FieldErrorType.Required => "FieldValueRequired",
        FieldErrorType.Invalid => "FieldValueInvalid",
        FieldErrorType.NotSupported => "FieldValueNotSupported",
        FieldErrorType.Duplicate => "FieldValueDuplicate",
        FieldErrorType.Forbidden => "FieldValueForbidden",
        FieldErrorType.TooLong => "FieldValueTooLong",
        _ => "FieldValueNotFound",
    };

    public override string ToString()
    {
        var head = Type switch
        {
            FieldErrorType.Required => "Required value",
            FieldErrorType.Invalid => $"Invalid value: {Format(BadValue)}",
            FieldErrorType.NotSupported => $"Unsupported value: {Format(BadValue)}",
            FieldErrorType.Duplicate => $"Duplicate value: {Format(BadValue)}",
            FieldErrorType.Forbidden => "Forbidden",
            FieldErrorType.TooLong => "Too long",
            _ => $"Not found: {Format(BadValue)}",
        };
        return string.IsNullOrEmpty(Detail) ? $"{Field}: {head}" : $"{Field}: {head}: {Detail}";
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };
}
