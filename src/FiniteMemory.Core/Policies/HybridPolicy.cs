namespace FiniteMemory.Policies;

/// <summary>
/// Hybrid: the last turns, a small running summary of what left the window (5% of the budget), then the older
/// messages that score best on relevance to the new message (weight 0.85: BM25 and embeddings half and half,
/// squared, neighbours at half), importance (0.1: the model's signal or the heuristic) and recency (0.05, half-life
/// 10 turns), with a mild preference for one representative per topic cluster (diversity 0.9).
/// </summary>
/// <remarks>
/// Relevance leads because the new message is the best evidence of what the model needs; importance and recency
/// decide among messages the new message says little about ("ok, what now?"). Weights chosen on the synthetic
/// dataset and on LoCoMo; see perf/README.md.
/// </remarks>
[MemoryPolicy(PolicyName, Description = "The last turns, a small running summary, then older messages by relevance, importance and recency, diverse across topics.")]
[KeepRecent(MaxTurns = 2, BudgetShare = 0.2)]
[Summarize(BudgetShare = 0.05)]
[ScoreRelevance(Weight = 0.85, LexicalWeight = 0.5, SemanticWeight = 0.5, Sharpness = 2, Neighbors = 0.5)]
[ScoreImportance(Weight = 0.1)]
[ScoreRecency(Weight = 0.05, HalfLifeTurns = 10)]
[Cluster(Diversity = 0.9)]
[Select]
public sealed partial class HybridPolicy
{
    /// <summary>The policy's registered name.</summary>
    public const string PolicyName = "hybrid";
}
