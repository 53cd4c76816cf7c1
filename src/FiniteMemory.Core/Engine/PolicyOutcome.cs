using FiniteMemory.Stages;

namespace FiniteMemory;

/// <summary>What the engine counts, after a policy ran, of what its stages reported against the window it built.</summary>
/// <param name="ImportanceEvictions">Groups a sliding window would have kept that the window left out (when a stage scored importance).</param>
/// <param name="ClustersMerged">Clusters the window represents by some but not all of their members (when a stage reported clusters).</param>
internal readonly record struct PolicyOutcome(int ImportanceEvictions, int ClustersMerged)
{
    public static PolicyOutcome Count(MemoryFrame frame) => new(
        frame.ImportanceScored ? SlidingKeptButEvicted(frame) : 0,
        frame.Clusters is { } clusters ? PartlyKeptClusters(frame, clusters) : 0);

    // The groups a sliding window would have kept — the newest that fit after the mandatory messages and the
    // query, with no gaps — that this window left out. O(sliding window).
    private static int SlidingKeptButEvicted(MemoryFrame frame)
    {
        var room = frame.Budget;
        foreach (var kept in frame.Kept)
        {
            if (kept.Reason is KeepReason.System or KeepReason.Pinned or KeepReason.Query)
            {
                room -= frame.CostOf(kept.Group);
            }
        }

        var evicted = 0;
        var transcript = frame.Transcript;
        for (var g = frame.GroupCount - 1; g >= 0; g--)
        {
            if (g == frame.QueryGroup || transcript.GroupAt(g).IsMandatory)
            {
                continue;
            }

            var cost = frame.CostOf(g);
            if (cost > room)
            {
                break;
            }

            room -= cost;
            evicted += frame.IsKept(g) ? 0 : 1;
        }

        return evicted;
    }

    // Clusters the window represents by some but not all of their members.
    private static int PartlyKeptClusters(MemoryFrame frame, int[] clusters)
    {
        var state = new Dictionary<int, (bool Kept, bool Evicted)>();
        for (var g = 0; g < clusters.Length; g++)
        {
            if (clusters[g] < 0)
            {
                continue;
            }

            var (kept, evicted) = state.GetValueOrDefault(clusters[g]);
            state[clusters[g]] = frame.IsKept(g) ? (true, evicted) : (kept, true);
        }

        return state.Values.Count(static s => s.Kept && s.Evicted);
    }
}
