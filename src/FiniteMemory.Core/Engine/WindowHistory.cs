namespace FiniteMemory;

/// <summary>The previous window of a conversation: what was in view and how long the transcript was.</summary>
/// <param name="KeptIndices">Transcript indices in the previous window, ascending.</param>
/// <param name="Count">Transcript length when it was built.</param>
internal readonly record struct WindowHistory(int[] KeptIndices, int Count)
{
    public static WindowHistory None => new([], 0);

    /// <summary>Messages in view before (or new since) that are not in <paramref name="kept"/> of a transcript of <paramref name="count"/> messages.</summary>
    public int CountNewlyEvicted(int[] kept, int count)
    {
        var evicted = 0;
        var k = 0;
        foreach (var index in KeptIndices)
        {
            while (k < kept.Length && kept[k] < index)
            {
                k++;
            }

            if (k >= kept.Length || kept[k] != index)
            {
                evicted++;
            }
        }

        // Messages appended since the previous build that this build does not show.
        var newSince = Math.Max(0, count - Count);
        var keptNew = 0;
        for (var i = kept.Length - 1; i >= 0 && kept[i] >= Count; i--)
        {
            keptNew++;
        }

        return evicted + newSince - keptNew;
    }
}
