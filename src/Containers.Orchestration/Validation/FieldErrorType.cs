namespace Containers.Orchestration.Validation;

/// <summary>Kubernetes' kinds of field error, each with its fixed wording.</summary>
public enum FieldErrorType
{
    /// <summary>"Required value".</summary>
    Required,

    /// <summary>"Invalid value".</summary>
    Invalid,

    /// <summary>"Unsupported value".</summary>
    NotSupported,

    /// <summary>"Duplicate value".</summary>
    Duplicate,

    /// <summary>"Forbidden".</summary>
    Forbidden,

    /// <summary>"Too long".</summary>
    TooLong,

    /// <summary>"Not found".</summary>
    NotFound,
}
