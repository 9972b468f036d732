using Containers.Errors;

namespace Containers.Orchestration.Server;

/// <summary>
/// An object breaks its kind's rules (HTTP 422, reason Invalid), with one cause per bad field, in
/// Kubernetes' wording: <c>Pod "web" is invalid: spec.containers[0].image: Required value</c>.
/// </summary>
public sealed class InvalidObjectException : ContainersException
{
    public InvalidObjectException(string kind, string name, IReadOnlyList<StatusCause> causes, Exception? innerException = null)
        : base(Format(kind, name, causes), innerException)
    {
        ObjectKind = kind;
        ObjectName = name;
        Causes = causes;
    }

    public override string Kind => "invalid";

    /// <summary>The kind of the object, such as <c>Pod</c>.</summary>
    public string ObjectKind { get; }

    public string ObjectName { get; }

    public IReadOnlyList<StatusCause> Causes { get; }

    /// <summary>An invalid object with one cause.</summary>
    public static InvalidObjectException Of(string kind, string name, StatusCause cause) => new(kind, name, [cause]);

    private static string Format(string kind, string name, IReadOnlyList<StatusCause> causes)
    {
        var errors = causes.Select(c => string.IsNullOrEmpty(c.Field) ? c.Message : $"{c.Field}: {c.Message}").ToList();
        var list = errors.Count == 1 ? errors[0] : $"[{string.Join(", ", errors)}]";
        return $"{kind} \"{name}\" is invalid: {list}";
    }
}
