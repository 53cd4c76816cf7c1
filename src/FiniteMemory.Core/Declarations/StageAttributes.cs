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
