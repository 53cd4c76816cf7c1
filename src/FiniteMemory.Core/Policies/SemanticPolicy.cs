namespace FiniteMemory.Policies;

/// <summary>
/// Semantic: the last turns, then the older messages most relevant to the new message — BM25 and, with an
/// embedder, embedding similarity — one representative per topic cluster first.
/// </summary>
[MemoryPolicy(PolicyName, Description = "The last turns, then the older messages most relevant to the new message (BM25 + embeddings), diverse across topics.")]
[KeepRecent(MaxTurns = 2, BudgetShare = 0.25)]
[ScoreRelevance]
[Cluster(Diversity = 0.8)]
[Select]
public sealed partial class SemanticPolicy
{
    /// <summary>The policy's registered name.</summary>
    public const string PolicyName = "semantic";
}
