using System.Collections.ObjectModel;
namespace Containers.Orchestration.Api;

/// <summary>One set-based term of a label selector: <c>key</c>, an operator, and values.</summary>
public sealed record LabelSelectorRequirement
{
    public string Key { get => field ?? string.Empty; init; }

    /// <summary>One of <see cref="LabelSelectorOperator"/>'s values.</summary>
    public string Operator { get => field ?? string.Empty; init; }

    public IReadOnlyList<string> Values { get => field ?? []; init; }

    /// <summary>True when <paramref name="labels"/> satisfy this term.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var has = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            LabelSelectorOperator.In => has && Values.Contains(value!, StringComparer.Ordinal),
            LabelSelectorOperator.NotIn => !has || !Values.Contains(value!, StringComparer.Ordinal),
            LabelSelectorOperator.Exists => has,
            LabelSelectorOperator.DoesNotExist => !has,
            LabelSelectorOperator.Gt => has && long.TryParse(value, out var l) && Values.Count == 1 && long.TryParse(Values[0], out var r) && l > r,
            LabelSelectorOperator.Lt => has && long.TryParse(value, out var l) && Values.Count == 1 && long.TryParse(Values[0], out var r) && l < r,
            _ => false,
        };
    }
}
