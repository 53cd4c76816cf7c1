namespace FiniteMemory.Policies;

/// <summary>
/// Hybrid: the last turns, a small running summary of what left the window, then the older messages that score
/// best on relevance to the new message (0.6), importance (0.25) and recency (0.15), diverse across topic clusters.
/// </summary>
[MemoryPolicy(PolicyName, Description = "The last turns, a small running summary, then older messages by relevance, importance and recency, diverse across topics.")]
[KeepRecent(MaxTurns = 2, BudgetShare = 0.2)]
[Summarize(BudgetShare = 0.1)]
[ScoreRelevance(Weight = 0.6)]
[ScoreImportance(Weight = 0.25)]
[ScoreRecency(Weight = 0.15, HalfLifeTurns = 10)]
[Cluster(Diversity = 0.8)]
[Select]
public sealed partial class HybridPolicy
{
    /// <summary>The policy's registered name.</summary>
    public const string PolicyName = "hybrid";
}
