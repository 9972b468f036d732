using Containers.Errors;

namespace Containers.Orchestration.Validation;

/// <summary>
/// An object failed validation (HTTP 422). The message is Kubernetes':
/// <c>Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value</c>;
/// <see cref="Errors"/> carries each field error for a Status object's causes.
/// </summary>
public sealed class InvalidObjectException : ContainersException
{
    public InvalidObjectException(string kind, string group, string name, IReadOnlyList<FieldError> errors)
        : base(Describe(kind, group, name, errors))
    {
        ObjectKind = kind;
        Group = group;
        Name = name;
        Errors = errors;
    }

    public string ObjectKind { get; }

    public string Group { get; }

    public string Name { get; }

    public IReadOnlyList<FieldError> Errors { get; }

    public override string Kind => "invalid";

    private static string Describe(string kind, string group, string name, IReadOnlyList<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var qualified = group.Length == 0 ? kind : $"{kind}.{group}";
        var list = errors.Count == 1 ? errors[0].ToString() : $"[{string.Join(", ", errors)}]";
        return $"{qualified} \"{name}\" is invalid: {list}";
    }
}
