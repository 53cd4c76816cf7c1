using FiniteMemory.Stages;

namespace FiniteMemory.Policies;

/// <summary>
/// Keeps the opening of the conversation: the groups of its first <see cref="FirstTurns"/> user turns, oldest
/// first, as long as they fit (see <see cref="PinStage.KeepOpening"/>). The system and pinned messages and the
/// newest user message are kept by the engine before any policy stage runs, so a bare <c>[Pin]</c> only
/// documents that.
/// </summary>
[StageImplementation(typeof(PinStage), nameof(PinStage.KeepOpening))]
public sealed class PinAttribute : PolicyStageAttribute
{
    /// <summary>How many of the first user turns to keep (0: none).</summary>
    public int FirstTurns { get; set; }
}

/// <summary>Keeps the newest groups that fit, walking back from the end (see <see cref="KeepRecentStage.Run"/>).</summary>
[StageImplementation(typeof(KeepRecentStage), nameof(KeepRecentStage.Run))]
public sealed class KeepRecentAttribute : PolicyStageAttribute
{
    /// <summary>Only groups from the last this-many user turns (the current turn counts as one).</summary>
    public int MaxTurns { get; set; } = int.MaxValue;

    /// <summary>Spend at most this many tokens.</summary>
    public int MaxTokens { get; set; } = int.MaxValue;

    /// <summary>Spend at most this share (0–1] of the window's budget, leaving the rest to later stages.</summary>
    public double BudgetShare { get; set; } = 1.0;

    /// <summary>Stop at the first group that does not fit (no holes); when false, keep looking at older, smaller groups.</summary>
    public bool Contiguous { get; set; } = true;
}

/// <summary>
/// Fills what remains of the budget with the best-scoring groups by score per token; the scores come from
/// earlier stages (see <see cref="SelectStage.Run"/>).
/// </summary>
[StageImplementation(typeof(SelectStage), nameof(SelectStage.Run))]
public sealed class SelectAttribute : PolicyStageAttribute
{
    /// <summary>Solve exactly (dynamic programming) when at most this many groups compete; greedy above (0: always greedy).</summary>
    public int ExactLimit { get; set; } = SelectStage.DefaultExactLimit;
}

/// <summary>
/// Scores older groups by relevance to the newest user message: BM25 and, with an embedder, embedding similarity
/// (see <see cref="ScoreRelevanceStage.RunAsync"/>).
/// </summary>
[StageImplementation(typeof(ScoreRelevanceStage), nameof(ScoreRelevanceStage.RunAsync))]
public sealed class ScoreRelevanceAttribute : PolicyStageAttribute
{
    /// <summary>Weight of relevance in a group's score.</summary>
    public double Weight { get; set; } = 1.0;

    /// <summary>Share of BM25 in relevance when embeddings are available.</summary>
    public double LexicalWeight { get; set; } = 0.5;

    /// <summary>Share of embedding similarity in relevance.</summary>
    public double SemanticWeight { get; set; } = 0.5;

    /// <summary>Exponent applied to relevance: higher favours a few clearly relevant messages over many faint ones.</summary>
    public double Sharpness { get; set; } = 2.0;

    /// <summary>Messages before the newest user message also read as part of the query (at half weight).</summary>
    public int ContextTurns { get; set; }

    /// <summary>A message scores at least this share of its adjacent messages' relevance (0: off).</summary>
    public double Neighbors { get; set; }

    /// <summary>Weight of a second query made of the best few candidates (pseudo-relevance feedback; 0: off).</summary>
    public double Feedback { get; set; }
}

/// <summary>
/// Scores older groups by importance: a local model's signals where present, else the model-free heuristic
/// (see <see cref="ScoreImportanceStage.RunAsync"/>).
/// </summary>
[StageImplementation(typeof(ScoreImportanceStage), nameof(ScoreImportanceStage.RunAsync))]
public sealed class ScoreImportanceAttribute : PolicyStageAttribute
{
    /// <summary>Weight of importance in a group's score.</summary>
    public double Weight { get; set; } = 1.0;

    /// <summary>Share of the model's signal where it has one.</summary>
    public double SourceShare { get; set; } = 0.7;
}

/// <summary>Scores older groups by recency, halving every <see cref="HalfLifeTurns"/> user turns (see <see cref="ScoreRecencyStage.Run"/>).</summary>
[StageImplementation(typeof(ScoreRecencyStage), nameof(ScoreRecencyStage.Run))]
public sealed class ScoreRecencyAttribute : PolicyStageAttribute
{
    /// <summary>Weight of recency in a group's score.</summary>
    public double Weight { get; set; } = 1.0;

    /// <summary>Turns after which the recency score halves.</summary>
    public double HalfLifeTurns { get; set; } = 8;
}

/// <summary>
/// Clusters older groups by topic and discounts all but each cluster's best, so the window covers more topics
/// (see <see cref="ClusterStage.RunAsync"/>).
/// </summary>
[StageImplementation(typeof(ClusterStage), nameof(ClusterStage.RunAsync))]
public sealed class ClusterAttribute : PolicyStageAttribute
{
    /// <summary>Factor per rank within a cluster (1: no discount; 0: one per cluster).</summary>
    public double Diversity { get; set; } = 0.5;

    /// <summary>Upper bound on the number of clusters.</summary>
    public int MaxClusters { get; set; } = 32;
}

/// <summary>
/// Folds evicted messages into the conversation's running summary and places it after the system messages
/// (see <see cref="SummarizeStage.RunAsync"/>).
/// </summary>
[StageImplementation(typeof(SummarizeStage), nameof(SummarizeStage.RunAsync))]
public sealed class SummarizeAttribute : PolicyStageAttribute
{
    /// <summary>Most of the budget the summary may take.</summary>
    public double BudgetShare { get; set; } = 0.25;

    /// <summary>Most tokens the summary text may have (0: only the share bounds it).</summary>
    public int TargetTokens { get; set; }

    /// <summary>Fold when the unsummarized evicted messages reach this share of the budget.</summary>
    public double FoldAt { get; set; } = 0.1;

    /// <summary>Share of numbers, dates and names a model-written summary must keep.</summary>
    public double MinFactRecall { get; set; } = 0.9;
}

/// <summary>
/// Spends the tokens left over by earlier stages on a shortened copy (head and tail, with a marker) of the
/// newest group that did not fit (see <see cref="TruncateStage.FillRemaining"/>).
/// </summary>
[StageImplementation(typeof(TruncateStage), nameof(TruncateStage.FillRemaining))]
public sealed class TruncateAttribute : PolicyStageAttribute
{
    /// <summary>Do nothing when fewer tokens than this remain: a scrap of a message is noise.</summary>
    public int MinTokens { get; set; } = 64;
}
