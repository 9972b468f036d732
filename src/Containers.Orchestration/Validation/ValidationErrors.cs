namespace Containers.Orchestration.Validation;

/// <summary>The errors found so far, with helpers named after Kubernetes' field error constructors.</summary>
internal sealed class ValidationErrors : List<FieldError>
{
    public void Required(FieldPath path, string? detail = null) => Add(new FieldError(FieldErrorType.Required, path.ToString(), null, detail));

    public void Invalid(FieldPath path, object? value, string detail) => Add(new FieldError(FieldErrorType.Invalid, path.ToString(), value, detail));

    public void NotSupported(FieldPath path, object? value, params string[] supported) =>
        Add(new FieldError(FieldErrorType.NotSupported, path.ToString(), value, "supported values: " + string.Join(", ", supported.Order(StringComparer.Ordinal).Select(s => $"\"{s}\""))));

    public void Duplicate(FieldPath path, object? value) => Add(new FieldError(FieldErrorType.Duplicate, path.ToString(), value));

    public void Forbidden(FieldPath path, string detail) => Add(new FieldError(FieldErrorType.Forbidden, path.ToString(), null, detail));

    public void NotFound(FieldPath path, object? value) => Add(new FieldError(FieldErrorType.NotFound, path.ToString(), value));

    public void TooLong(FieldPath path, int max) => Add(new FieldError(FieldErrorType.TooLong, path.ToString(), null, $"may not be more than {max} bytes"));

    /// <summary>Adds an Invalid error per message of a naming rule (<see cref="Api.KubeNames"/>).</summary>
    public void InvalidEach(FieldPath path, object? value, IReadOnlyList<string> messages)
    {
        foreach (var message in messages)
        {
            Invalid(path, value, message);
        }
    }

    public void OneOf(FieldPath path, string? value, params string[] supported)
    {
        if (value is not null && !supported.Contains(value, StringComparer.Ordinal))
        {
            NotSupported(path, value, supported);
        }
    }

    public void NonNegative(FieldPath path, long? value)
    {
        if (value is < 0)
        {
            Invalid(path, value.Value, "must be greater than or equal to 0");
        }
    }

    public void Positive(FieldPath path, long? value)
    {
        if (value is <= 0)
        {
            Invalid(path, value.Value, "must be greater than zero");
        }
    }

    public void PortNumber(FieldPath path, int port)
    {
        if (port is < 1 or > 65535)
        {
            Invalid(path, port, "must be between 1 and 65535, inclusive");
        }
    }
}
