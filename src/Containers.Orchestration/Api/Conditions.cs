namespace Containers.Orchestration.Api;

/// <summary>Finding and setting conditions in an immutable list, as controllers update status.</summary>
public static class Conditions
{
    public static Condition? Find(IReadOnlyList<Condition> conditions, string type)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        foreach (var c in conditions)
        {
            if (c.Type == type)
            {
                return c;
            }
        }

        return null;
    }

    public static bool IsTrue(IReadOnlyList<Condition> conditions, string type) => Find(conditions, type)?.IsTrue == true;

    /// <summary>
    /// The list with <paramref name="condition"/> in place of any of its type. The transition time is
    /// kept from the old condition when the status did not change, as Kubernetes' helpers keep it.
    /// </summary>
    public static IReadOnlyList<Condition> Set(IReadOnlyList<Condition> conditions, Condition condition)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentNullException.ThrowIfNull(condition);
        var result = new List<Condition>(conditions.Count + 1);
        var replaced = false;
        foreach (var c in conditions)
        {
            if (c.Type != condition.Type)
            {
                result.Add(c);
                continue;
            }

            replaced = true;
            result.Add(c.Status == condition.Status && c.LastTransitionTime is not null
                ? condition with { LastTransitionTime = c.LastTransitionTime }
                : condition);
        }

        if (!replaced)
        {
            result.Add(condition);
        }

        return result;
    }

    public static IReadOnlyList<Condition> Remove(IReadOnlyList<Condition> conditions, string type)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        return [.. conditions.Where(c => c.Type != type)];
    }
}
