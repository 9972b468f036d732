using System.Text;
using Containers.Errors;

namespace Containers.Orchestration.Api;

/// <summary>
/// A field query as <c>--field-selector</c> and <c>?fieldSelector=</c> take it: terms
/// <c>field=value</c>, <c>field==value</c> or <c>field!=value</c>, ANDed, with <c>\</c> escaping
/// <c>,</c>, <c>=</c>, <c>!</c> and itself in values. The fields each kind supports are
/// <c>metadata.name</c>, <c>metadata.namespace</c> and its <see cref="ResourceType.SelectableFields"/>.
/// </summary>
public sealed record FieldSelector
{
    private FieldSelector(IReadOnlyList<FieldSelectorRequirement> requirements) => Requirements = requirements;

    public static FieldSelector Everything { get; } = new([]);

    public IReadOnlyList<FieldSelectorRequirement> Requirements { get; }

    public bool IsEmpty => Requirements.Count == 0;

    /// <summary>The selector <c>field=value</c>.</summary>
    public static FieldSelector Equal(string field, string value) => new([new FieldSelectorRequirement(field, false, value)]);

    /// <summary>This selector and the terms of <paramref name="other"/>.</summary>
    public FieldSelector And(FieldSelector other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new([.. Requirements, .. other.Requirements]);
    }

    /// <summary>Throws unless <paramref name="type"/> supports every field named here.</summary>
    /// <exception cref="InvalidArgumentException">A field is not selectable on that kind (Kubernetes: "field label not supported").</exception>
    public void ValidateFor(ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        foreach (var r in Requirements)
        {
            if (r.Field is not ("metadata.name" or "metadata.namespace") && !type.SelectableFields.ContainsKey(r.Field))
            {
                throw new InvalidArgumentException(
                    $"field label not supported: {r.Field} (for {type.GroupResource} select on metadata.name, metadata.namespace{string.Concat(type.SelectableFields.Keys.Order(StringComparer.Ordinal).Select(k => ", " + k))})");
            }
        }
    }

    /// <summary>True when <paramref name="obj"/> satisfies every term; an unsupported field never matches.</summary>
    public bool Matches(KubeObject obj, ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(type);
        foreach (var r in Requirements)
        {
            if (!type.TryGetField(obj, r.Field, out var value))
            {
                return false;
            }

            if (string.Equals(value, r.Value, StringComparison.Ordinal) == r.NotEquals)
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() =>
        string.Join(',', Requirements.Select(r => $"{r.Field}{(r.NotEquals ? "!=" : "=")}{Escape(r.Value)}"));

    /// <summary>Parses the string form; an empty string is <see cref="Everything"/>.</summary>
    public static FieldSelector Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var requirements = new List<FieldSelectorRequirement>();
        foreach (var term in SplitUnescaped(text, ','))
        {
            if (string.IsNullOrWhiteSpace(term))
            {
                if (requirements.Count == 0 && string.IsNullOrWhiteSpace(text))
                {
                    break;
                }

                throw Error(text, "a term is empty");
            }

            var (field, notEquals, value) = SplitTerm(text, term);
            requirements.Add(new FieldSelectorRequirement(field, notEquals, Unescape(text, value)));
        }

        return requirements.Count == 0 ? Everything : new FieldSelector(requirements);
    }

    private static (string Field, bool NotEquals, string Value) SplitTerm(string text, string term)
    {
        for (var i = 0; i < term.Length; i++)
        {
            if (term[i] == '\\')
            {
                i++;
                continue;
            }

            if (term[i] == '!' && i + 1 < term.Length && term[i + 1] == '=')
            {
                return (Field(term[..i]), true, term[(i + 2)..]);
            }

            if (term[i] == '=')
            {
                var valueStart = i + 1 < term.Length && term[i + 1] == '=' ? i + 2 : i + 1;
                return (Field(term[..i]), false, term[valueStart..]);
            }
        }

        throw Error(text, $"\"{term}\" has no operator (=, == or !=)");

        string Field(string f) => f.Trim() is { Length: > 0 } trimmed ? trimmed : throw Error(text, $"\"{term}\" names no field");
    }

    private static IEnumerable<string> SplitUnescaped(string text, char separator)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == separator)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }

    private static string Unescape(string text, string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\')
            {
                if (i + 1 == value.Length || value[i + 1] is not ('\\' or ',' or '=' or '!'))
                {
                    throw Error(text, $"invalid escape in \"{value}\": only \\\\, \\, \\= and \\! are allowed");
                }

                i++;
            }

            sb.Append(value[i]);
        }

        return sb.ToString();
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal)
            .Replace("=", "\\=", StringComparison.Ordinal).Replace("!", "\\!", StringComparison.Ordinal);

    private static InvalidArgumentException Error(string text, string why) =>
        new($"field selector \"{text}\" is not valid: {why}; write terms such as metadata.name=web,status.phase!=Running");
}
