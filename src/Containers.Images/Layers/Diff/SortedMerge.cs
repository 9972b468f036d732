namespace Containers.Images.Layers.Diff;

/// <summary>Merges two lists of names sorted in ordinal order, saying for each name which lists hold it.</summary>
internal static class SortedMerge
{
    public static IEnumerable<(string Name, bool InFirst, bool InSecond)> Of(IReadOnlyList<string> first, IReadOnlyList<string> second)
    {
        int i = 0, j = 0;
        while (i < first.Count || j < second.Count)
        {
            var order = i == first.Count ? 1 : j == second.Count ? -1 : string.CompareOrdinal(first[i], second[j]);
            yield return (order <= 0 ? first[i] : second[j], order <= 0, order >= 0);
            i += order <= 0 ? 1 : 0;
            j += order >= 0 ? 1 : 0;
        }
    }
}
