
namespace FiniteMemory.Stages;

/// <summary>
/// Keeps the newest groups that fit, walking back from the end of the conversation. Cost is O(groups
/// walked), independent of how long the conversation is.
/// </summary>
public static class KeepRecentStage
{
    // The parameters' defaults, shared with KeepRecentAttribute's properties (StageAttributeDefaultsTests checks the pair).
    internal const int DefaultMaxTurns = int.MaxValue;
    internal const int DefaultMaxTokens = int.MaxValue;
    internal const bool DefaultContiguous = true;
    internal const double DefaultBudgetShare = 1.0;

    /// <summary>Keeps recent groups.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="maxTurns">Only groups from the last this-many user turns (the current turn counts as one).</param>
    /// <param name="maxTokens">Spend at most this many tokens (e.g. leave room for later stages).</param>
    /// <param name="contiguous">
    /// Stop at the first group that does not fit (a sliding window: no holes). When false, skip it and keep
    /// looking at older, smaller groups.
    /// </param>
    /// <param name="budgetShare">Spend at most this share (0–1] of the frame's budget, leaving the rest to later stages.</param>
    public static void Run(MemoryFrame frame, int maxTurns = DefaultMaxTurns, int maxTokens = DefaultMaxTokens, bool contiguous = DefaultContiguous, double budgetShare = DefaultBudgetShare)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTurns);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        if (!(budgetShare > 0 && budgetShare <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(budgetShare), budgetShare, "The budget share must be greater than 0 and at most 1.");
        }

        if (budgetShare < 1)
        {
            maxTokens = Math.Min(maxTokens, (int)(frame.Budget * budgetShare));
        }

        var transcript = frame.Transcript;
        var query = frame.Query;
        var oldestTurn = query is null || maxTurns == int.MaxValue ? int.MinValue : query.Turn - maxTurns + 1;
        var spent = 0;

        for (var g = frame.GroupCount - 1; g >= 0; g--)
        {
            if (frame.IsKept(g))
            {
                continue;
            }

            if (oldestTurn != int.MinValue && transcript[transcript.GroupAt(g).First].Turn < oldestTurn)
            {
                break;
            }

            var allowance = Math.Min(frame.Remaining, maxTokens - spent);
            var cost = frame.CostOf(g);
            if (cost <= allowance)
            {
                // Not kept (checked above) and within what remains: keep it without asking again.
                frame.Keep(g, KeepReason.Recent, cost);
                spent += cost;
                continue;
            }

            // A message after the newest user message belongs to the turn in progress (a tool result the model
            // must see to continue): shorten it rather than lose it.
            if (frame.QueryGroup >= 0 && g > frame.QueryGroup && TruncateStage.TryFit(frame, g, allowance))
            {
                var truncatedCost = frame.CostOf(g);
                if (frame.TryKeep(g, KeepReason.Recent))
                {
                    spent += truncatedCost;
                    continue;
                }
            }

            if (contiguous)
            {
                break;
            }
        }
    }
}
