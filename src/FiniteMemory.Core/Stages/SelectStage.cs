using FiniteMemory.Memory;

namespace FiniteMemory.Stages;

/// <summary>
/// Fills what remains of the budget with the best-scoring groups by score per token (greedy knapsack).
/// Scores come from earlier stages through <see cref="MemoryFrame.Scores"/>; groups scoring zero or less
/// are never selected.
/// </summary>
public static class SelectStage
{
    /// <summary>Selects groups by score per token until nothing more fits.</summary>
    public static void Run(MemoryFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!frame.HasScores)
        {
            return;
        }

        var scores = frame.Scores;
        // Counted first so the list is allocated once, at its final size.
        var count = 0;
        for (var g = 0; g < frame.GroupCount; g++)
        {
            count += !frame.IsKept(g) && scores[g] > 0 ? 1 : 0;
        }

        var candidates = new List<(int Group, double Density)>(count);
        for (var g = 0; g < frame.GroupCount; g++)
        {
            if (!frame.IsKept(g) && scores[g] > 0)
            {
                candidates.Add((g, scores[g] / Math.Max(1, frame.CostOf(g))));
            }
        }

        // Densest first; on ties the newer group wins.
        candidates.Sort(static (a, b) => a.Density != b.Density ? b.Density.CompareTo(a.Density) : b.Group.CompareTo(a.Group));
        foreach (var (group, _) in candidates)
        {
            if (frame.Remaining <= 0)
            {
                break;
            }

            frame.TryKeep(group, KeepReason.Selected);
        }
    }
}
