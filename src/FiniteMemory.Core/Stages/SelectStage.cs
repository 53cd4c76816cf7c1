
namespace FiniteMemory.Stages;

/// <summary>
/// Fills what remains of the budget with the groups whose scores (from earlier stages, see
/// <see cref="MemoryFrame.Scores"/>) add up to the most: a 0/1 knapsack over whole groups. Small instances are
/// solved exactly by dynamic programming over the remaining tokens; larger ones greedily by score per token,
/// then compared with the single best group that fits (which bounds the greedy answer within a factor of two
/// of the optimum). Groups scoring zero or less are never selected.
/// </summary>
public static class SelectStage
{
    /// <summary>Largest number of candidates solved exactly by default.</summary>
    public const int DefaultExactLimit = 64;

    // Cells (candidates × (tokens + 1)) the exact solver may use: its decision table is one bit per cell.
    private const long MaxExactCells = 8_000_000;

    /// <summary>Selects the groups that maximize the total score within the remaining budget.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="exactLimit">Solve exactly (dynamic programming) when at most this many groups that fit compete; greedy above (0: always greedy).</param>
    public static void Run(MemoryFrame frame, int exactLimit = DefaultExactLimit)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentOutOfRangeException.ThrowIfNegative(exactLimit);
        if (!frame.HasScores)
        {
            return;
        }

        var candidates = Candidates(frame);
        if (candidates.Count == 0)
        {
            return;
        }

        var capacity = frame.Remaining;
        var chosen = candidates.Count <= exactLimit && (long)candidates.Count * (capacity + 1) <= MaxExactCells
            ? Exact(candidates, capacity)
            : Greedy(candidates, capacity);
        foreach (var group in chosen)
        {
            frame.TryKeep(group, KeepReason.Selected);
        }
    }

    /// <summary>The groups that could be selected: not kept, positive score, cost within what remains.</summary>
    internal static List<Candidate> Candidates(MemoryFrame frame)
    {
        var scores = frame.Scores;
        var remaining = frame.Remaining;
        var candidates = new List<Candidate>();
        foreach (var g in frame.UnkeptGroups())
        {
            if (scores[g] > 0)
            {
                var cost = frame.CostOf(g);
                if (cost <= remaining)
                {
                    candidates.Add(new Candidate(g, cost, scores[g]));
                }
            }
        }

        return candidates;
    }

    /// <summary>Exact 0/1 knapsack by dynamic programming over capacities; ties go to the fewer tokens.</summary>
    internal static List<int> Exact(IReadOnlyList<Candidate> candidates, int capacity)
    {
        var n = candidates.Count;
        var best = new double[capacity + 1];
        var take = new System.Collections.BitArray(n * (capacity + 1));
        for (var i = 0; i < n; i++)
        {
            var (_, cost, score) = candidates[i];
            var row = i * (capacity + 1);
            for (var c = capacity; c >= cost; c--)
            {
                var with = best[c - cost] + score;
                if (with > best[c])
                {
                    best[c] = with;
                    take[row + c] = true;
                }
            }
        }

        // The best value is at full capacity (values only grow with capacity); walk the decisions back.
        var chosen = new List<int>();
        var at = capacity;
        for (var i = n - 1; i >= 0; i--)
        {
            if (take[(i * (capacity + 1)) + at])
            {
                chosen.Add(candidates[i].Group);
                at -= candidates[i].Cost;
            }
        }

        return chosen;
    }

    /// <summary>Greedy by score per token (newer first on ties; candidates in ascending group order), or the single best group when that alone scores more.</summary>
    internal static List<int> Greedy(IReadOnlyList<Candidate> candidates, int capacity)
    {
        // Candidates come in ascending group order, so among equal densities the larger index is the newer group.
        var keys = new double[candidates.Count];
        var order = new int[candidates.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            var c = candidates[i];
            keys[i] = c.Score / Math.Max(1, c.Cost);
            order[i] = i;
        }

        ScoreOrder.Descending(keys, order);

        var chosen = new List<int>();
        var left = capacity;
        var total = 0.0;
        var best = 0;
        foreach (var i in order)
        {
            var c = candidates[i];
            if (c.Score > candidates[best].Score)
            {
                best = i;
            }

            if (c.Cost <= left)
            {
                chosen.Add(c.Group);
                left -= c.Cost;
                total += c.Score;
            }
        }

        return candidates[best].Score > total ? [candidates[best].Group] : chosen;
    }

    /// <summary>A group that may be selected.</summary>
    internal readonly record struct Candidate(int Group, int Cost, double Score);
}
