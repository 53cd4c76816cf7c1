
namespace FiniteMemory.Stages;

/// <summary>
/// Scores every group not yet in the window by how recent it is: <c>weight × 0.5^(age / halfLifeTurns)</c>, where
/// age is the number of user turns between the group and the newest user message. O(groups) with no cache.
/// </summary>
public static class ScoreRecencyStage
{
    // The parameters' defaults, shared with ScoreRecencyAttribute's properties (StageAttributeDefaultsTests checks the pair).
    internal const double DefaultWeight = 1.0;
    internal const double DefaultHalfLifeTurns = 8;

    /// <summary>Scores groups by recency.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="weight">Weight of recency in the group's score.</param>
    /// <param name="halfLifeTurns">Turns after which a group's recency score halves.</param>
    public static void Run(MemoryFrame frame, double weight = DefaultWeight, double halfLifeTurns = DefaultHalfLifeTurns)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!(weight >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "The recency weight must not be negative.");
        }

        if (!(halfLifeTurns > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(halfLifeTurns), halfLifeTurns, "The half-life must be a positive number of turns.");
        }

        if (weight == 0 || frame.Count == 0)
        {
            return;
        }

        var transcript = frame.Transcript;
        var now = frame.Query?.Turn ?? transcript[frame.Count - 1].Turn;
        var scores = frame.Scores;
        foreach (var g in frame.UnkeptGroups())
        {
            var age = Math.Max(0, now - transcript[transcript.GroupAt(g).First].Turn);
            scores[g] += (float)(weight * Math.Pow(0.5, age / halfLifeTurns));
        }
    }
}
