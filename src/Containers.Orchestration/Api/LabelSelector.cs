using System.Collections.ObjectModel;
using System.Text.Json.Serialization;
using Containers.Errors;

namespace Containers.Orchestration.Api;

/// <summary>
/// A label query in Kubernetes' object form (<c>matchLabels</c> and <c>matchExpressions</c>, ANDed),
/// also parsed from and printed as the string form that <c>-l</c> and <c>?labelSelector=</c> take:
/// equality (<c>app=web</c>, <c>app==web</c>, <c>tier!=db</c>) and set-based (<c>env in (a,b)</c>,
/// <c>env notin (c)</c>, <c>gpu</c>, <c>!gpu</c>, <c>rank&gt;2</c>).
/// </summary>
/// <remarks>An empty selector matches everything. A null one (an absent field) matches nothing; callers decide.</remarks>
public sealed record LabelSelector
{
    public IReadOnlyDictionary<string, string> MatchLabels { get => field ?? ReadOnlyDictionary<string, string>.Empty; init; }

    public IReadOnlyList<LabelSelectorRequirement> MatchExpressions { get => field ?? []; init; }

    /// <summary>The selector that matches every object.</summary>
    public static LabelSelector Everything { get; } = new();

    [JsonIgnore]
    public bool IsEmpty => MatchLabels.Count == 0 && MatchExpressions.Count == 0;

    /// <summary>The selector <c>k1=v1,k2=v2</c> that matches objects carrying all of <paramref name="labels"/>.</summary>
    public static LabelSelector FromLabels(IReadOnlyDictionary<string, string> labels) =>
        new() { MatchLabels = new Dictionary<string, string>(labels, StringComparer.Ordinal) };

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var (key, value) in MatchLabels)
        {
            if (!labels.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        foreach (var requirement in MatchExpressions)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    public bool Matches(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Matches(obj.Metadata.Labels);
    }

    /// <summary>
    /// The string form, sorted by key as Kubernetes prints it, such as <c>app=web,env in (a,b)</c>.
    /// </summary>
    public override string ToString()
    {
        var terms = new List<(string Key, string Text)>();
        foreach (var (key, value) in MatchLabels)
        {
            terms.Add((key, $"{key}={value}"));
        }

        foreach (var r in MatchExpressions)
        {
            var text = r.Operator switch
            {
                LabelSelectorOperator.Exists => r.Key,
                LabelSelectorOperator.DoesNotExist => "!" + r.Key,
                LabelSelectorOperator.NotIn when r.Values.Count == 1 => $"{r.Key}!={r.Values[0]}",
                LabelSelectorOperator.In => $"{r.Key} in ({string.Join(',', r.Values.Order(StringComparer.Ordinal))})",
                LabelSelectorOperator.NotIn => $"{r.Key} notin ({string.Join(',', r.Values.Order(StringComparer.Ordinal))})",
                LabelSelectorOperator.Gt => $"{r.Key}>{(r.Values.Count > 0 ? r.Values[0] : string.Empty)}",
                LabelSelectorOperator.Lt => $"{r.Key}<{(r.Values.Count > 0 ? r.Values[0] : string.Empty)}",
                _ => $"{r.Key} {r.Operator} ({string.Join(',', r.Values)})",
            };
            terms.Add((r.Key, text));
        }

        return string.Join(',', terms.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Text));
    }

    /// <summary>Parses the string form; an empty string is <see cref="Everything"/>.</summary>
    /// <exception cref="InvalidArgumentException">The text is not a selector, or a key or value breaks Kubernetes' naming rules.</exception>
    public static LabelSelector Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Parser(text).Parse();
    }

    public static bool TryParse(string text, out LabelSelector? selector)
    {
        try
        {
            selector = Parse(text);
            return true;
        }
        catch (InvalidArgumentException)
        {
            selector = null;
            return false;
        }
    }

    private ref struct Parser(string text)
    {
        private int _at;

        public LabelSelector Parse()
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var expressions = new List<LabelSelectorRequirement>();
            SkipSpace();
            if (_at == text.Length)
            {
                return Everything;
            }

            while (true)
            {
                ParseRequirement(labels, expressions);
                SkipSpace();
                if (_at == text.Length)
                {
                    break;
                }

                Expect(',');
            }

            return new LabelSelector { MatchLabels = labels, MatchExpressions = expressions };
        }

        private void ParseRequirement(Dictionary<string, string> labels, List<LabelSelectorRequirement> expressions)
        {
            SkipSpace();
            if (Peek() == '!')
            {
                _at++;
                var notKey = ReadKey();
                expressions.Add(new LabelSelectorRequirement { Key = notKey, Operator = LabelSelectorOperator.DoesNotExist });
                return;
            }

            var key = ReadKey();
            SkipSpace();
            if (_at == text.Length || Peek() == ',')
            {
                expressions.Add(new LabelSelectorRequirement { Key = key, Operator = LabelSelectorOperator.Exists });
                return;
            }

            var c = Peek();
            if (c == '=' || (c == '!' && PeekAt(1) == '='))
            {
                var notEquals = c == '!';
                _at += notEquals ? 2 : 1;
                if (!notEquals && Peek() == '=')
                {
                    _at++;
                }

                var value = ReadValue();
                if (notEquals)
                {
                    expressions.Add(new LabelSelectorRequirement { Key = key, Operator = LabelSelectorOperator.NotIn, Values = [value] });
                }
                else if (!labels.TryAdd(key, value))
                {
                    // k=a,k=b matches nothing in Kubernetes; keep both terms so it still does.
                    expressions.Add(new LabelSelectorRequirement { Key = key, Operator = LabelSelectorOperator.In, Values = [value] });
                }

                return;
            }

            if (c is '>' or '<')
            {
                _at++;
                var bound = ReadValue();
                if (!long.TryParse(bound, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
                {
                    throw Error($"for 'Gt', 'Lt' operators, the value must be an integer, not \"{bound}\"");
                }

                expressions.Add(new LabelSelectorRequirement { Key = key, Operator = c == '>' ? LabelSelectorOperator.Gt : LabelSelectorOperator.Lt, Values = [bound] });
                return;
            }

            var word = ReadWord();
            var op = word switch
            {
                "in" => LabelSelectorOperator.In,
                "notin" => LabelSelectorOperator.NotIn,
                _ => throw Error($"found '{word}', expected: in, notin, =, ==, !=, gt, lt"),
            };
            SkipSpace();
            Expect('(');
            var values = new List<string>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')' && values.Count == 0)
                {
                    break;
                }

                values.Add(ReadValue());
                SkipSpace();
                if (Peek() == ',')
                {
                    _at++;
                    continue;
                }

                break;
            }

            Expect(')');
            if (values.Count == 0)
            {
                throw Error($"for 'in', 'notin' operators, values set can't be empty (key \"{key}\")");
            }

            expressions.Add(new LabelSelectorRequirement { Key = key, Operator = op, Values = values.Distinct(StringComparer.Ordinal).ToList() });
        }

        private string ReadKey()
        {
            SkipSpace();
            var key = ReadWord();
            if (key.Length == 0)
            {
                throw Error("expected a label key");
            }

            var errors = KubeNames.ValidateQualifiedName(key);
            if (errors.Count > 0)
            {
                throw Error($"invalid label key \"{key}\": {string.Join("; ", errors)}");
            }

            return key;
        }

        private string ReadValue()
        {
            SkipSpace();
            var value = ReadWord();
            var errors = KubeNames.ValidateLabelValue(value);
            if (errors.Count > 0)
            {
                throw Error($"invalid label value: \"{value}\": {string.Join("; ", errors)}");
            }

            return value;
        }

        private string ReadWord()
        {
            var start = _at;
            while (_at < text.Length && !char.IsWhiteSpace(text[_at]) && text[_at] is not (',' or '(' or ')' or '=' or '!' or '<' or '>'))
            {
                _at++;
            }

            return text[start.._at];
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c)
            {
                throw Error(_at == text.Length ? $"expected '{c}' at the end" : $"expected '{c}' at offset {_at}, found '{text[_at]}'");
            }

            _at++;
        }

        private readonly char Peek() => _at < text.Length ? text[_at] : '\0';

        private readonly char PeekAt(int offset) => _at + offset < text.Length ? text[_at + offset] : '\0';

        private void SkipSpace()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
        }

        private readonly InvalidArgumentException Error(string why) =>
            new($"label selector \"{text}\" is not valid: {why}; write terms such as app=web,tier!=db,env in (prod,test)");
    }
}
