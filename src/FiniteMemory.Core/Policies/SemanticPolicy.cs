namespace FiniteMemory.Policies;

/// <summary>
/// Semantic: the last turns, then the older messages most relevant to the new message — BM25 and, with an
/// embedder, embedding similarity, half and half; a message next to a relevant one (the other half of a question
/// and its answer) scores at least half of its neighbour; relevance is sharpened (exponent 4) so a few clearly
/// relevant messages win over many faintly relevant ones — with a mild preference for one representative per topic.
/// </summary>
/// <remarks>Weights chosen on the synthetic dataset (<c>fmem eval --synthetic</c>) and on LoCoMo; see perf/README.md.</remarks>
[MemoryPolicy(PolicyName, Description = "The last turns, then the older messages most relevant to the new message (BM25 + embeddings), diverse across topics.")]
[KeepRecent(MaxTurns = 2, BudgetShare = 0.25)]
[ScoreRelevance(LexicalWeight = 0.5, SemanticWeight = 0.5, Sharpness = 4, Neighbors = 0.5)]
[Cluster(Diversity = 0.9)]
[Select]
public sealed partial class SemanticPolicy
{
    /// <summary>The policy's registered name.</summary>
    public const string PolicyName = "semantic";
}
