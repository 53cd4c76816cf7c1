namespace FiniteMemory.Policies;

/// <summary>
/// Importance: the last turns, then the older messages most likely to matter — a local model's attention or
/// logit probes where available (<see cref="MemoryOptions.Importance"/>), else the documented heuristic
/// (facts, self-disclosure, instructions and preferences, rare words, answers) — with a little weight on recency.
/// </summary>
[MemoryPolicy(PolicyName, Description = "The last turns, then the older messages most likely to matter (model attention or the fact/preference heuristic).")]
[KeepRecent(MaxTurns = 2, BudgetShare = 0.3)]
[ScoreImportance(Weight = 0.8)]
[ScoreRecency(Weight = 0.2, HalfLifeTurns = 20)]
[Select]
public sealed partial class ImportancePolicy
{
    /// <summary>The policy's registered name.</summary>
    public const string PolicyName = "importance";
}
