using System.Globalization;

namespace Containers.Orchestration.Validation;

/// <summary>
/// A path to a field as Kubernetes prints it in errors: <c>spec.template.spec.containers[0].image</c>,
/// with map keys in brackets (<c>metadata.labels[app]</c>).
/// </summary>
public sealed class FieldPath
{
    private readonly FieldPath? _parent;
    private readonly string _segment;

    private FieldPath(FieldPath? parent, string segment)
    {
        _parent = parent;
        _segment = segment;
    }

    public static FieldPath Root(string name) => new(null, name);

    public FieldPath Child(string name) => new(this, "." + name);

    public FieldPath Index(int index) => new(this, "[" + index.ToString(CultureInfo.InvariantCulture) + "]");

    public FieldPath Key(string key) => new(this, "[" + key + "]");

    public override string ToString()
    {
        var parts = new Stack<string>();
        for (var p = this; p is not null; p = p._parent)
        {
            parts.Push(p._segment);
        }

        var text = string.Concat(parts);
        return text.StartsWith('.') ? text[1..] : text;
    }
}
