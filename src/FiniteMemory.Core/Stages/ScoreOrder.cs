namespace FiniteMemory.Stages;

/// <summary>Orders groups best first, newer first among equals, sorting primitive keys (no comparer over the whole list).</summary>
internal static class ScoreOrder
{
    /// <summary>Sorts <paramref name="groups"/> by descending <paramref name="keys"/> (reordered with them); equal keys put the larger (newer) group first.</summary>
    public static void Descending(double[] keys, int[] groups)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = -keys[i];
        }

        Array.Sort(keys, groups);
        for (int start = 0, end; start < groups.Length; start = end)
        {
            for (end = start + 1; end < groups.Length && keys[end] == keys[start]; end++)
            {
            }

            if (end - start > 1)
            {
                Array.Sort(groups, start, end - start);
                Array.Reverse(groups, start, end - start);
            }
        }

        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = -keys[i];
        }
    }
}
