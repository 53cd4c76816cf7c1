namespace FiniteMemory.Policies;

/// <summary>
/// Rolling summary: the newest turns verbatim, and everything older folded incrementally into a running summary
/// placed after the system messages (the frame's summarizer with its quality gate, else the extractive one).
/// </summary>
[MemoryPolicy(PolicyName, Description = "The newest turns verbatim; older turns folded into a running, fact-checked summary.")]
[KeepRecent(BudgetShare = 0.7)]
[Summarize(BudgetShare = 0.3)]
public sealed partial class RollingSummaryPolicy
{
    /// <summary>The policy's registered name.</summary>
    public const string PolicyName = "rolling_summary";
}
