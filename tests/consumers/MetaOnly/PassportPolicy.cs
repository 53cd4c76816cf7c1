using FiniteMemory;
using FiniteMemory.Policies;

namespace MetaOnly;

/// <summary>
/// Declared in the app: the generator arrives through the meta package (FiniteMemory → FiniteMemory.Core's
/// analyzers), writes this policy's members and registers it. Running order: KeepRecent → ScoreRelevance → Select.
/// </summary>
[MemoryPolicy(PolicyName, Description = "The last turns, then older messages relevant to the question.")]
[KeepRecent(MaxTurns = 4, BudgetShare = 0.4)]
[ScoreRelevance(LexicalWeight = 1, SemanticWeight = 0)]
[Select]
internal sealed partial class PassportPolicy
{
    /// <summary>The registered name.</summary>
    public const string PolicyName = "passport-recall";
}
